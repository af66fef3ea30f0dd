package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aliyun/aliyun-tablestore-go-sdk/tablestore"
	"github.com/rocketfn/rocketfn/emulator/ots"
	"github.com/rocketfn/rocketfn/runtime/store"
)

// tablesFlags are the flags of "rocketfn tables".
type tablesFlags struct {
	endpoint, instance, keyID, keySecret, token string
	scan                                        string
	limit                                       int
	markers, asJSON                             bool
}

var tablesExamples = map[string]string{
	"endpoint": "--endpoint http://127.0.0.1:9020 (or $TABLESTORE_ENDPOINT)",
	"instance": "--instance myapp (or $TABLESTORE_INSTANCE)",
	"scan":     "--scan players",
	"limit":    "--limit 0 (every row)",
	"markers":  "--markers (show the _rfn_* idempotency columns)",
	"json":     "--json",
}

// runTables is the "tables" command: it lists the tables of a Tablestore
// instance, or scans the rows of one, with the official SDK.
func runTables(args []string) error { return tables(args, os.Stdout, os.Stderr, os.Getenv) }

func tables(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	f, err := parseTablesFlags(args, stderr, getenv)
	if err != nil {
		return err
	}
	cfg := tablestore.NewDefaultTableStoreConfig()
	cfg.MaxRetryTime = 2 * time.Second
	client := tablestore.NewClientWithConfig(f.endpoint, f.instance, f.keyID, f.keySecret, f.token, cfg)
	if f.scan != "" {
		return scanTable(client, f, stdout)
	}
	return listTables(client, f, stdout)
}

func parseTablesFlags(args []string, stderr io.Writer, getenv func(string) string) (tablesFlags, error) {
	var f tablesFlags
	fs := flag.NewFlagSet("rocketfn tables", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.endpoint, "endpoint", orDefault(getenv(envTablestoreEndpoint), store.LocalEndpoint), "Tablestore `url`")
	fs.StringVar(&f.instance, "instance", orDefault(getenv(envTablestoreInstance), ots.DefaultInstance), "instance `name`")
	fs.StringVar(&f.keyID, "access-key-id", orDefault(getenv(envAccessKeyID), ots.DefaultAccessKeyID), "access key `id`")
	fs.StringVar(&f.keySecret, "access-key-secret", orDefault(getenv(envAccessKeySecret), ots.DefaultAccessKeySecret), "access key `secret`")
	fs.StringVar(&f.token, "security-token", getenv("ALIBABA_CLOUD_SECURITY_TOKEN"), "STS security `token`")
	fs.StringVar(&f.scan, "scan", "", "print the rows of this `table` instead of the list of tables")
	fs.IntVar(&f.limit, "limit", 20, "print at most this many `rows`; 0 for all")
	fs.BoolVar(&f.markers, "markers", false, "also print the _rfn_* idempotency marker columns")
	fs.BoolVar(&f.asJSON, "json", false, "print JSON")
	fs.Usage = func() {
		printUsage(fs, `Usage: rocketfn tables [flags]

Lists the tables of a Tablestore instance with their primary keys, or with
--scan prints the rows of one in primary-key order, through the official
SDK. The defaults reach the local Tablestore (rocketfn tablestore, rocketfn
dev); TABLESTORE_ENDPOINT, TABLESTORE_INSTANCE and ALIBABA_CLOUD_* as
rocketfn dev exports them, or the flags, reach another. Columns starting
with _rfn_, the idempotency markers of runtime/store, are hidden
unless --markers.
`, tablesExamples, `
Examples:

  rocketfn tables
  rocketfn tables --scan players --limit 5
  rocketfn tables --scan orders --markers --json
`)
	}
	if err := parseFlags(fs, args); err != nil {
		return f, err
	}
	if f.limit < 0 {
		return f, usagef("--limit %d: want 0 (all) or more", f.limit)
	}
	return f, nil
}

// tableInfo is a table and its primary key, as listed.
type tableInfo struct {
	Name       string   `json:"name"`
	PrimaryKey []pkInfo `json:"primaryKey"`
}

// pkInfo is a primary-key column.
type pkInfo struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// listTables prints each table with its primary key.
func listTables(client *tablestore.TableStoreClient, f tablesFlags, w io.Writer) error {
	resp, err := client.ListTable()
	if err != nil {
		return fmt.Errorf("list the tables of %s at %s: %w", f.instance, f.endpoint, unreachable(err, "tablestore", f.endpoint, "--endpoint"))
	}
	names := append([]string(nil), resp.TableNames...)
	sort.Strings(names)
	infos := make([]tableInfo, 0, len(names))
	for _, name := range names {
		pk, err := describePK(client, name)
		if err != nil {
			return err
		}
		infos = append(infos, tableInfo{Name: name, PrimaryKey: pk})
	}
	if f.asJSON {
		return writeJSON(w, infos)
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tPRIMARY KEY")
	for _, t := range infos {
		cols := make([]string, len(t.PrimaryKey))
		for i, c := range t.PrimaryKey {
			cols[i] = c.Name + " " + c.Type
		}
		fmt.Fprintf(tw, "%s\t%s\n", t.Name, strings.Join(cols, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%d table(s) in %s at %s\n", len(infos), f.instance, f.endpoint)
	return err
}

// describePK reads the primary key of table.
func describePK(client *tablestore.TableStoreClient, table string) ([]pkInfo, error) {
	resp, err := client.DescribeTable(&tablestore.DescribeTableRequest{TableName: table})
	if err != nil {
		return nil, fmt.Errorf("describe table %s: %w", table, err)
	}
	var pk []pkInfo
	for _, s := range resp.TableMeta.SchemaEntry {
		typ := "?"
		if s.Type != nil {
			typ = map[tablestore.PrimaryKeyType]string{tablestore.PrimaryKeyType_INTEGER: "INTEGER", tablestore.PrimaryKeyType_STRING: "STRING",
				tablestore.PrimaryKeyType_BINARY: "BINARY"}[*s.Type]
		}
		if s.Name != nil {
			pk = append(pk, pkInfo{Name: *s.Name, Type: typ})
		}
	}
	return pk, nil
}

// writeJSON prints v indented.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
