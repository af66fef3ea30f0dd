package pattern

import "testing"

func TestMatchNumeric(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"range inside", `{"n":[{"numeric":[">",0,"<=",5]}]}`, `{"n":3}`, true},
		{"range upper bound", `{"n":[{"numeric":[">",0,"<=",5]}]}`, `{"n":5}`, true},
		{"range lower bound", `{"n":[{"numeric":[">",0,"<=",5]}]}`, `{"n":0}`, false},
		{"range above", `{"n":[{"numeric":[">",0,"<=",5]}]}`, `{"n":5.000001}`, false},
		{"eq", `{"n":[{"numeric":["=",100]}]}`, `{"n":1e2}`, true},
		{"eq miss", `{"n":[{"numeric":["=",100]}]}`, `{"n":101}`, false},
		{"ne", `{"n":[{"numeric":["!=",100]}]}`, `{"n":101}`, true},
		{"ne miss", `{"n":[{"numeric":["!=",100]}]}`, `{"n":100}`, false},
		{"gt", `{"n":[{"numeric":[">",1.5]}]}`, `{"n":1.5000001}`, true},
		{"ge", `{"n":[{"numeric":[">=",1.5]}]}`, `{"n":1.5}`, true},
		{"lt", `{"n":[{"numeric":["<",-1]}]}`, `{"n":-1.5}`, true},
		{"lt miss", `{"n":[{"numeric":["<",-1]}]}`, `{"n":-1}`, false},
		{"le", `{"n":[{"numeric":["<=",-1]}]}`, `{"n":-1}`, true},
		{"string never", `{"n":[{"numeric":[">",0]}]}`, `{"n":"5"}`, false},
		{"bool never", `{"n":[{"numeric":[">",0]}]}`, `{"n":true}`, false},
		{"null never", `{"n":[{"numeric":["!=",0]}]}`, `{"n":null}`, false},
		{"missing never", `{"n":[{"numeric":["!=",0]}]}`, `{}`, false},
		{"huge", `{"n":[{"numeric":[">",1e300]}]}`, `{"n":1e308}`, true},
		{"event overflow is not a number", `{"n":[{"numeric":[">",0]}]}`, `{"n":1e400}`, false},
		{"tiny", `{"n":[{"numeric":[">",0]}]}`, `{"n":5e-324}`, true},
		{"empty range", `{"n":[{"numeric":[">",5,"<",1]}]}`, `{"n":3}`, false},
		{"millis timestamp", `{"n":[{"numeric":[">=",1628577790000]}]}`, `{"n":1628577790396}`, true},
		{"array element", `{"n":[{"numeric":[">",10]}]}`, `{"n":[1,2,30]}`, true},
		{"array no element", `{"n":[{"numeric":[">",10]}]}`, `{"n":[1,2,3]}`, false},
		{"or of ranges", `{"n":[{"numeric":["<",0]},{"numeric":[">",10]}]}`, `{"n":11}`, true},
	})
}

func TestMatchCIDR(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"inside", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.0.17"}`, true},
		{"network address", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.0.0"}`, true},
		{"broadcast", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.0.255"}`, true},
		{"outside", `{"ip":[{"cidr":"10.0.0.0/24"}]}`, `{"ip":"10.0.1.0"}`, false},
		{"host bits in pattern", `{"ip":[{"cidr":"10.0.0.9/24"}]}`, `{"ip":"10.0.0.200"}`, true},
		{"slash 32", `{"ip":[{"cidr":"192.168.1.1/32"}]}`, `{"ip":"192.168.1.1"}`, true},
		{"slash 0", `{"ip":[{"cidr":"0.0.0.0/0"}]}`, `{"ip":"8.8.8.8"}`, true},
		{"mapped v4", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"::ffff:10.1.2.3"}`, true},
		{"v6 vs v4 prefix", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"::1"}`, false},
		{"v6", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db8::1"}`, true},
		{"v6 outside", `{"ip":[{"cidr":"2001:db8::/32"}]}`, `{"ip":"2001:db9::1"}`, false},
		{"not an ip", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"10.0.0.x"}`, false},
		{"ip with port", `{"ip":[{"cidr":"10.0.0.0/8"}]}`, `{"ip":"10.0.0.1:80"}`, false},
		{"masked address", `{"ip":[{"cidr":"42.0.0.0/8"}]}`, `{"ip":"42.120.XX.XX"}`, false},
		{"number", `{"ip":[{"cidr":"0.0.0.0/0"}]}`, `{"ip":167772161}`, false},
	})
}

func TestMatchEventArrays(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"any element", `{"tags":["b"]}`, `{"tags":["a","b"]}`, true},
		{"intersection", `{"tags":["x","c"]}`, `{"tags":["a","b","c"]}`, true},
		{"no intersection", `{"tags":["x","y"]}`, `{"tags":["a","b"]}`, false},
		{"empty array", `{"tags":["a"]}`, `{"tags":[]}`, false},
		{"nested array", `{"tags":["a"]}`, `{"tags":[["b"],["a"]]}`, true},
		{"number element", `{"n":[2]}`, `{"n":[1,2]}`, true},
		{"null element", `{"n":[null]}`, `{"n":[1,null]}`, true},
		{"objects in array", `{"items":{"id":["b"]}}`, `{"items":[{"id":"a"},{"id":"b"}]}`, true},
		{"objects in array miss", `{"items":{"id":["c"]}}`, `{"items":[{"id":"a"},{"id":"b"}]}`, false},
		{"objects partly missing", `{"items":{"id":["b"]}}`, `{"items":[{"x":1},{"id":"b"}]}`, true},
		{"objects all missing", `{"items":{"id":[{"exists":false}]}}`, `{"items":[{"x":1}]}`, true},
		{"objects some present", `{"items":{"id":[{"exists":false}]}}`, `{"items":[{"x":1},{"id":1}]}`, false},
		{"arrays in objects in array", `{"items":{"tags":["t2"]}}`, `{"items":[{"tags":["t1"]},{"tags":["t2"]}]}`, true},
	})
}

func TestMatchNestingAndOr(t *testing.T) {
	const p = `{"source":["acs.oss","acs.ecs"],"data":{"region":["cn-hangzhou"],"size":[{"numeric":[">",0]}]}}`
	runMatchCases(t, []matchCase{
		{"all", p, `{"source":"acs.ecs","data":{"region":"cn-hangzhou","size":1}}`, true},
		{"extra fields ignored", p, `{"source":"acs.oss","x":1,"data":{"region":"cn-hangzhou","size":1,"y":2}}`, true},
		{"one key fails", p, `{"source":"acs.oss","data":{"region":"cn-beijing","size":1}}`, false},
		{"other key fails", p, `{"source":"acs.rds","data":{"region":"cn-hangzhou","size":1}}`, false},
		{"nested missing", p, `{"source":"acs.oss","data":{"region":"cn-hangzhou"}}`, false},
		{"parent not object", p, `{"source":"acs.oss","data":"cn-hangzhou"}`, false},
		{"parent missing", p, `{"source":"acs.oss"}`, false},
		{"same nesting only", p, `{"source":"acs.oss","region":"cn-hangzhou","size":1}`, false},
		{"deep", `{"a":{"b":{"c":{"d":["x"]}}}}`, `{"a":{"b":{"c":{"d":"x"}}}}`, true},
		{"deep wrong level", `{"a":{"b":{"c":{"d":["x"]}}}}`, `{"a":{"b":{"d":"x"}}}`, false},
		{"dotted key is one key", `{"a.b":["x"]}`, `{"a":{"b":"x"}}`, false},
		{"dotted key", `{"a.b":["x"]}`, `{"a.b":"x"}`, true},
	})
}
