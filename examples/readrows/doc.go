// Readrows prints the rows of a Tablestore table with the official
// Tablestore SDK (github.com/aliyun/aliyun-tablestore-go-sdk/tablestore):
// DescribeTable for the primary key, then GetRange from INF_MIN to
// INF_MAX, page after page. Each row is one line of name=value pairs, the
// primary key first; the _rfn_* idempotency markers that package
// runtime/store adds are left out.
//
//	-table     the table (default players)
//	-limit     print at most this many rows (default 0: all)
//	-endpoint  the endpoint (env TABLESTORE_ENDPOINT, default http://127.0.0.1:8020)
//	-instance  the instance (env TABLESTORE_INSTANCE, default rocketfn)
//
// The access key comes from ALIBABA_CLOUD_ACCESS_KEY_ID,
// ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN, by
// default the local Tablestore's key.
//
// The output, for the rows the players function writes from
// functions/players/testdata/players-batch.json:
//
//	id=1001 Hero=Yasuo Job=mage Name=alice
//	id=1002 Hero=Garen Job=warrior Name=bob
//	id=1003 Hero=Lulu Job=support Name=carol
//	3 rows in table players
//
// # Against the local stack
//
// Run the players function beside the local Tablestore, invoke it, read
// the rows:
//
//	go run ./cmd/rocketfn tablestore --memory
//	PLAYERS_CREATE_TABLE=true ROCKETFN_HOST=127.0.0.1 go run ./functions/players
//	curl -s -XPOST localhost:9000/invoke -H 'x-fc-request-id: r1' \
//	     --data-binary @functions/players/testdata/players-batch.json
//	go run ./examples/readrows
//
// examples/scenario.sh does all of it, with the produce and consume
// examples around it:
//
//	bash examples/scenario.sh
//
// # Against the cloud
//
//	export TABLESTORE_ENDPOINT=https://myinstance.cn-hangzhou.ots.aliyuncs.com
//	export TABLESTORE_INSTANCE=myinstance
//	export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI... ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
//	go run ./examples/readrows -table players -limit 20
//
// The key needs read access to the table (ots:DescribeTable and
// ots:GetRange); a large table is read in pages of up to 5,000 rows or
// 4 MB, each a request, so -limit keeps a look at one cheap.
package main
