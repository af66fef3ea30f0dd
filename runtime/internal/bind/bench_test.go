package bind

import (
	"encoding/json"
	"testing"
	"time"
)

type Order struct {
	OrderID  string            `json:"orderId"`
	Customer Customer          `json:"customer"`
	Items    []Item            `json:"items"`
	Total    float64           `json:"total"`
	Paid     bool              `json:"paid"`
	Tags     map[string]string `json:"tags"`
	Note     *string           `json:"note"`
	Created  time.Time         `json:"created"`
}

type Customer struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	VIP   bool   `json:"vip"`
}

type Item struct {
	SKU   string  `json:"sku"`
	Qty   int     `json:"qty"`
	Price float64 `json:"price"`
}

// Profile is mostly strings of 10 to 60 bytes, which are not small enough
// for the runtime's tiny allocator: what the arena is for.
type Profile struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Email    string            `json:"email"`
	Company  string            `json:"company"`
	Title    string            `json:"title"`
	Address  string            `json:"address"`
	City     string            `json:"city"`
	Country  string            `json:"country"`
	Homepage string            `json:"homepage"`
	Bio      string            `json:"bio"`
	Tags     []string          `json:"tags"`
	Attrs    map[string]string `json:"attrs"`
}

var (
	userBody   = []byte(`{"id":"1001","name":"alice","job":"mage","hero":"Yasuo"}`)
	nestedBody = []byte(`{"orderId":"o-7731","customer":{"id":42,"name":"Bob Li","email":"bob@example.com","vip":true},` +
		`"items":[{"sku":"A-1","qty":2,"price":9.99},{"sku":"B-22","qty":1,"price":120.5}],` +
		`"total":140.48,"paid":true,"tags":{"channel":"app","region":"cn-hangzhou"},"note":null,` +
		`"created":"2024-05-01T10:20:30Z"}`)
	profileBody = []byte(`{"id":"c3a1f0e2-5b7d-4e21-9a43-7f2d8c1b6e90","name":"Margaret Hamilton-Smith",` +
		`"email":"margaret.hamilton@example-corporation.com","company":"Example Corporation International",` +
		`"title":"Principal Engineer, Flight Software","address":"1600 Amphitheatre Parkway, Building 42",` +
		`"city":"Mountain View, California","country":"United States of America",` +
		`"homepage":"https://www.example-corporation.com/people/margaret-hamilton",` +
		`"bio":"Leads the team that writes the on-board software; likes long walks and short functions.",` +
		`"tags":["flight-software","reliability","formal-methods","mentoring","apollo-guidance"],` +
		`"attrs":{"department":"Engineering and Operations","manager":"c3a1f0e2-0000-4e21-9a43-000000000001",` +
		`"office":"Mountain View, Building 42, Floor 3"}}`)
	sliceBody = []byte(`[{"id":"1","name":"alice","job":"mage","hero":"Yasuo"},` +
		`{"id":"2","name":"bob","job":"tank","hero":"Garen"},` +
		`{"id":"3","name":"carol","job":"support","hero":"Lulu"},` +
		`{"id":"4","name":"dave","job":"marksman","hero":"Jinx"}]`)
)

func BenchmarkDecode(b *testing.B) {
	b.Run("user/bind", benchBind[User](userBody))
	b.Run("user/std", benchStd[User](userBody))
	b.Run("nested/bind", benchBind[Order](nestedBody))
	b.Run("nested/std", benchStd[Order](nestedBody))
	b.Run("slice/bind", benchBind[[]User](sliceBody))
	b.Run("slice/std", benchStd[[]User](sliceBody))
	b.Run("strings/bind", benchBind[Profile](profileBody))
	b.Run("strings/std", benchStd[Profile](profileBody))
}

// benchBind and benchStd decode into a fresh value each iteration, as a
// handler invocation does.
func benchBind[T any](data []byte) func(*testing.B) {
	return func(b *testing.B) {
		plan := For[T]()
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			var v T
			if err := plan.Decode(data, &v); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	}
}

func benchStd[T any](data []byte) func(*testing.B) {
	return func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v T
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	}
}
