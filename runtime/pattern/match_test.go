package pattern

import "testing"

// matchCase is one pattern matched against one event.
type matchCase struct {
	name    string
	pattern string
	event   string
	want    bool
}

func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile([]byte(tc.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", tc.pattern, err)
			}
			d, err := JSON([]byte(tc.event))
			if err != nil {
				t.Fatalf("JSON(%s): %v", tc.event, err)
			}
			if got := p.Match(d); got != tc.want {
				t.Errorf("pattern %s\nevent   %s\nMatch = %v, want %v", tc.pattern, tc.event, got, tc.want)
			}
			// Explain must agree with Match.
			if why := p.Explain(d); (why == "") != tc.want {
				t.Errorf("Explain = %q, inconsistent with Match = %v", why, tc.want)
			}
		})
	}
}

func TestMatchExact(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"empty pattern", `{}`, `{"a":1}`, true},
		{"empty pattern empty event", `{}`, `{}`, true},
		{"string", `{"source":["acs.oss"]}`, `{"source":"acs.oss"}`, true},
		{"string mismatch", `{"source":["acs.oss"]}`, `{"source":"acs.ecs"}`, false},
		{"case sensitive", `{"source":["acs.oss"]}`, `{"source":"ACS.OSS"}`, false},
		{"no trimming", `{"source":["acs.oss"]}`, `{"source":"acs.oss "}`, false},
		{"one of several", `{"state":["a","b","c"]}`, `{"state":"b"}`, true},
		{"missing field", `{"source":["acs.oss"]}`, `{"type":"acs.oss"}`, false},
		{"number", `{"n":[5]}`, `{"n":5}`, true},
		{"number numerically", `{"n":[5]}`, `{"n":5.0}`, true},
		{"number exponent", `{"n":[1500]}`, `{"n":1.5e3}`, true},
		{"negative zero", `{"n":[0]}`, `{"n":-0}`, true},
		{"number mismatch", `{"n":[5]}`, `{"n":5.1}`, false},
		{"number is not string", `{"n":[5]}`, `{"n":"5"}`, false},
		{"string is not number", `{"n":["5"]}`, `{"n":5}`, false},
		{"true", `{"b":[true]}`, `{"b":true}`, true},
		{"false", `{"b":[false]}`, `{"b":true}`, false},
		{"bool is not string", `{"b":[true]}`, `{"b":"true"}`, false},
		{"mixed types", `{"v":["x",1,true,null]}`, `{"v":true}`, true},
		{"object value never equals", `{"v":["x"]}`, `{"v":{"x":1}}`, false},
		{"unicode", `{"v":["订单"]}`, `{"v":"订单"}`, true},
	})
}

func TestMatchNullEmptyMissing(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"null matches null", `{"v":[null]}`, `{"v":null}`, true},
		{"null not missing", `{"v":[null]}`, `{}`, false},
		{"null not empty string", `{"v":[null]}`, `{"v":""}`, false},
		{"empty string matches empty", `{"v":[""]}`, `{"v":""}`, true},
		{"empty string not null", `{"v":[""]}`, `{"v":null}`, false},
		{"empty string not missing", `{"v":[""]}`, `{}`, false},
		{"empty string not space", `{"v":[""]}`, `{"v":" "}`, false},
		{"null or missing", `{"v":[null,{"exists":false}]}`, `{}`, true},
		{"null or missing, null", `{"v":[null,{"exists":false}]}`, `{"v":null}`, true},
		{"null or missing, value", `{"v":[null,{"exists":false}]}`, `{"v":"x"}`, false},
	})
}

func TestMatchStringOperators(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"prefix", `{"s":[{"prefix":"acs."}]}`, `{"s":"acs.oss"}`, true},
		{"prefix whole", `{"s":[{"prefix":"acs."}]}`, `{"s":"acs."}`, true},
		{"prefix miss", `{"s":[{"prefix":"acs."}]}`, `{"s":"xacs.oss"}`, false},
		{"prefix case", `{"s":[{"prefix":"acs."}]}`, `{"s":"ACS.oss"}`, false},
		{"prefix empty", `{"s":[{"prefix":""}]}`, `{"s":"anything"}`, true},
		{"prefix number", `{"s":[{"prefix":"1"}]}`, `{"s":12}`, false},
		{"prefix missing", `{"s":[{"prefix":""}]}`, `{}`, false},
		{"suffix", `{"s":[{"suffix":".jpg"}]}`, `{"s":"a/b.jpg"}`, true},
		{"suffix miss", `{"s":[{"suffix":".jpg"}]}`, `{"s":"a/b.jpeg"}`, false},
		{"contains", `{"s":[{"contains":"Normal"}]}`, `{"s":"Event:Normal:Start"}`, true},
		{"contains miss", `{"s":[{"contains":"Normal"}]}`, `{"s":"Event:normal"}`, false},
		{"contains null", `{"s":[{"contains":"Normal"}]}`, `{"s":null}`, false},
		{"or of operators", `{"s":[{"prefix":"a"},{"suffix":"z"}]}`, `{"s":"xyz"}`, true},
		{"or with exact", `{"s":["exact",{"prefix":"p"}]}`, `{"s":"exact"}`, true},
	})
}

func TestMatchAnythingBut(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"string other", `{"s":[{"anything-but":"init"}]}`, `{"s":"running"}`, true},
		{"string same", `{"s":[{"anything-but":"init"}]}`, `{"s":"init"}`, false},
		{"string vs number", `{"s":[{"anything-but":"1"}]}`, `{"s":1}`, true},
		{"missing", `{"s":[{"anything-but":"init"}]}`, `{}`, false},
		{"null", `{"s":[{"anything-but":"init"}]}`, `{"s":null}`, true},
		{"bool", `{"s":[{"anything-but":"init"}]}`, `{"s":false}`, true},
		{"object", `{"s":[{"anything-but":"init"}]}`, `{"s":{"a":1}}`, false},
		{"number other", `{"n":[{"anything-but":123}]}`, `{"n":124}`, true},
		{"number same", `{"n":[{"anything-but":123}]}`, `{"n":123.0}`, false},
		{"number vs string", `{"n":[{"anything-but":123}]}`, `{"n":"123"}`, true},
		{"list other", `{"s":[{"anything-but":["stopped","overloaded"]}]}`, `{"s":"running"}`, true},
		{"list first", `{"s":[{"anything-but":["stopped","overloaded"]}]}`, `{"s":"stopped"}`, false},
		{"list second", `{"s":[{"anything-but":["stopped","overloaded"]}]}`, `{"s":"overloaded"}`, false},
		{"mixed list number", `{"s":[{"anything-but":["a",7]}]}`, `{"s":7}`, false},
		{"mixed list string", `{"s":[{"anything-but":["a",7]}]}`, `{"s":"7"}`, true},
		{"prefix other", `{"s":[{"anything-but":{"prefix":"init"}}]}`, `{"s":"running"}`, true},
		{"prefix same", `{"s":[{"anything-but":{"prefix":"init"}}]}`, `{"s":"initializing"}`, false},
		{"prefix non-string", `{"s":[{"anything-but":{"prefix":"init"}}]}`, `{"s":5}`, false},
		{"prefix missing", `{"s":[{"anything-but":{"prefix":"init"}}]}`, `{}`, false},
		{"suffix other", `{"s":[{"anything-but":{"suffix":".tmp"}}]}`, `{"s":"a.jpg"}`, true},
		{"suffix same", `{"s":[{"anything-but":{"suffix":".tmp"}}]}`, `{"s":"a.tmp"}`, false},
		{"array any element", `{"s":[{"anything-but":"a"}]}`, `{"s":["a","b"]}`, true},
		{"array all excluded", `{"s":[{"anything-but":"a"}]}`, `{"s":["a","a"]}`, false},
		{"empty array", `{"s":[{"anything-but":"a"}]}`, `{"s":[]}`, false},
	})
}

func TestMatchExists(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"true present", `{"s":[{"exists":true}]}`, `{"s":"x"}`, true},
		{"true null", `{"s":[{"exists":true}]}`, `{"s":null}`, true},
		{"true empty string", `{"s":[{"exists":true}]}`, `{"s":""}`, true},
		{"true object", `{"s":[{"exists":true}]}`, `{"s":{}}`, true},
		{"true empty array", `{"s":[{"exists":true}]}`, `{"s":[]}`, true},
		{"true missing", `{"s":[{"exists":true}]}`, `{}`, false},
		{"false missing", `{"s":[{"exists":false}]}`, `{}`, true},
		{"false present", `{"s":[{"exists":false}]}`, `{"s":"x"}`, false},
		{"false null", `{"s":[{"exists":false}]}`, `{"s":null}`, false},
		{"false parent missing", `{"a":{"b":[{"exists":false}]}}`, `{}`, true},
		{"false parent not object", `{"a":{"b":[{"exists":false}]}}`, `{"a":"str"}`, true},
		{"true nested", `{"a":{"b":[{"exists":true}]}}`, `{"a":{"b":0}}`, true},
		{"false or value", `{"s":[{"exists":false},"x"]}`, `{"s":"x"}`, true},
		{"false or value, other", `{"s":[{"exists":false},"x"]}`, `{"s":"y"}`, false},
		{"both", `{"s":[{"exists":false},{"exists":true}]}`, `{}`, true},
	})
}
