package bind

import (
	"testing"
	"time"
)

type Base struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"`
}

type Meta struct {
	Kind  string `json:"kind"`
	Owner string
}

type hidden struct {
	Secret string
	Shown  int `json:"shown"`
}

type Tagger struct {
	Kind string `json:"kind"`
}

type Embeds struct {
	Base
	*Meta
	hidden
	Name string
}

type EmbedsTagged struct {
	Base
	Tagger `json:"tagger"`
	Meta   `json:"meta"`
}

type OtherOwner struct {
	Owner string
	Label string
}

type TaggedOwner struct {
	X string `json:"Owner"`
}

// EmbedsConflict has Owner twice untagged at one depth: both are dropped.
type EmbedsConflict struct {
	Meta
	OtherOwner
}

// EmbedsTagWins has Owner untagged and tagged at one depth: the tag wins.
type EmbedsTagWins struct {
	Meta
	TaggedOwner
}

type Deep struct {
	Embeds
	Extra int
}

type unexportedPtr struct {
	*hidden
	Name string
}

type EmbedsTime struct {
	time.Time
	Name string
}

type embedsPtrUnexported struct {
	*Inner
	*hidden
}

func TestEmbedded(t *testing.T) {
	same[Embeds](t,
		`{"id":1,"kind":"k","Owner":"o","Secret":"s","shown":2,"Name":"n"}`,
		`{"Meta":{"Owner":"x"},"Base":{"id":1},"hidden":{"Secret":"y"}}`,
		`{"id":"x"}`, `{"Owner":5}`, `{"shown":"x"}`,
	)
	same[EmbedsTagged](t,
		`{"id":1,"kind":"k","tagger":{"kind":"t"},"meta":{"kind":"m","Owner":"o"}}`,
		`{"tagger":{"kind":5}}`, `{"meta":{"Owner":5}}`,
	)
	same[EmbedsConflict](t, `{"kind":"k","Owner":"o","Label":"l"}`)
	same[EmbedsTagWins](t, `{"kind":"k","Owner":"o"}`, `{"owner":"o"}`)
	same[Deep](t,
		`{"id":1,"kind":"k","Owner":"o","Secret":"s","Name":"n","Extra":3}`,
		`{"Owner":7}`, `{"id":"x"}`,
	)
	same[unexportedPtr](t, `{"Secret":"s","Name":"n"}`, `{"Name":"n","shown":1}`, `{"Secret":5}`)
	same[embedsPtrUnexported](t, `{"id":1,"Secret":"s"}`)
	same[EmbedsTime](t, `{"Name":"n"}`, `"2024-05-01T10:20:30Z"`, `{}`)
	same[[]EmbedsTime](t, `[{"Name":"n"}]`, `["2024-05-01T10:20:30Z"]`)
	same[struct{ E EmbedsTime }](t, `{"E":"2024-05-01T10:20:30Z"}`, `{"E":{"Name":"x"}}`)
	same[struct{ E struct{ time.Time } }](t, `{"E":"2024-05-01T10:20:30Z"}`, `{"E":{}}`)
	same[*struct{ time.Time }](t, `"2024-05-01T10:20:30Z"`, `{}`)
	sameFrom(t, func() *unexportedPtr { return &unexportedPtr{hidden: &hidden{Shown: 1}} },
		`{"Secret":"s","shown":2}`)
}
