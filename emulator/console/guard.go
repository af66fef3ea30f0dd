package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
)

// TokenCookie carries the console's token once the page was opened with
// it; TokenHeader carries it for programs.
const (
	TokenCookie = "rocketfn_console"
	TokenHeader = "X-Rocketfn-Token"
)

// NewToken returns a new random token for a run of the console.
func NewToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Guard admits to h only the requests of the developer's own browser:
//
//   - The Host header must name the address the connection came to (its
//     IP, or localhost and the loopback addresses when it is a loopback
//     one, on its port): a page that reached the console through DNS
//     rebinding (evil.example resolving to 127.0.0.1) is refused with 421.
//   - State-changing requests from other origins are refused with 403
//     (http.CrossOriginProtection: Sec-Fetch-Site, else Origin).
//   - Every request needs the token: the page opened as /?token=T sets it
//     as a SameSite=Strict, HttpOnly cookie and goes to / without it in
//     the address bar; API calls send the cookie, or the TokenHeader
//     header. Without it: 401.
func Guard(h http.Handler, token string) http.Handler {
	cop := http.NewCrossOriginProtection()
	guarded := cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query().Get("token"); q != "" && r.Method == http.MethodGet && r.URL.Path == "/" {
			if !equal(q, token) {
				http.Error(w, "rocketfn console: wrong token: open the URL rocketfn dev printed", http.StatusUnauthorized)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: TokenCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		if !hasToken(r, token) {
			http.Error(w, "rocketfn console: no token: open the URL rocketfn dev printed (it ends with ?token=...)", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowedHost(r) {
			http.Error(w, "rocketfn console: Host "+trim(r.Host)+" is not the console's address", http.StatusMisdirectedRequest)
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

// hasToken reports whether r carries token, as the cookie or the header.
func hasToken(r *http.Request, token string) bool {
	if equal(r.Header.Get(TokenHeader), token) {
		return true
	}
	c, err := r.Cookie(TokenCookie)
	return err == nil && equal(c.Value, token)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// allowedHost reports whether r's Host names the address its connection
// came to: that IP and port, or, for a loopback address, localhost or a
// loopback address on the port.
func allowedHost(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	lhost, lport, err := net.SplitHostPort(local.String())
	if err != nil {
		return false
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil || port != lport {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	hip, lip := net.ParseIP(host), net.ParseIP(lhost)
	if hip == nil || lip == nil {
		return false
	}
	return hip.Equal(lip) || hip.IsLoopback() && lip.IsLoopback()
}

// trim shortens a header value for an error message.
func trim(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
