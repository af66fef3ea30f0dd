package jsonstr

import "testing"

func TestSkip(t *testing.T) {
	tests := []struct {
		in          string
		plain, asci int
	}{
		{``, 0, 0},
		{`abc"`, 3, 3},
		{`abcdefghijklmno"`, 15, 15},
		{`abcdefghij\n`, 10, 10},
		{"abcdefgh\x01", 8, 8},
		{"abcdé\"", 6, 4},
		{"abcdefghijklmnop", 16, 16},
	}
	for _, tt := range tests {
		if got := SkipPlain([]byte(tt.in), 0); got != tt.plain {
			t.Errorf("SkipPlain(%q) = %d, want %d", tt.in, got, tt.plain)
		}
		if got := SkipASCII([]byte(tt.in), 0); got != tt.asci {
			t.Errorf("SkipASCII(%q) = %d, want %d", tt.in, got, tt.asci)
		}
	}
}

func TestHex4(t *testing.T) {
	for in, want := range map[string]rune{"00e9": 0xe9, "D83D": 0xd83d, "12G4": -1, "123": -1} {
		if got := Hex4([]byte(in), 0); got != want {
			t.Errorf("Hex4(%q) = %#x, want %#x", in, got, want)
		}
	}
}
