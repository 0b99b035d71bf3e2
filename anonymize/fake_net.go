// Fakes for network things: ip, url, user_agent.

package anonymize

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/stagecopy/stagecopy/internal/fakeshape"
)

func init() {
	register(&transformer{
		name:  "ip",
		fake:  true,
		keyed: true,
		describe: func(opts) string {
			return "replaces an IP address with a documentation address: IPv4 in 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24 (RFC 5737), IPv6 in 2001:db8::/32 (RFC 3849); anything unparseable becomes an IPv4 one; in an integer column (an IPv4 address kept as its number, INET_ATON) the number of the same fake"
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &ipFake{k: k}, nil },
	})
	register(&transformer{
		name:  "url",
		fake:  true,
		keyed: true,
		opts:  []option{domainOption},
		describe: func(o opts) string {
			return fmt.Sprintf("replaces a URL with one like \"https://word.%s/word/word-123456\" (http:// kept for http input)", o.str("domain", defaultDomain))
		},
		build: func(o opts, k *Keyer) (Transformer, error) {
			return &urlFake{k: k, domain: strings.ToLower(o.str("domain", defaultDomain))}, nil
		},
	})
	register(&transformer{
		name:  "user_agent",
		fake:  true,
		keyed: true,
		describe: func(opts) string {
			return fmt.Sprintf("replaces a browser user agent with one of %d common desktop and mobile ones", len(userAgents))
		},
		build: func(_ opts, k *Keyer) (Transformer, error) { return &userAgentFake{k: k}, nil },
	})
}

// Documentation address ranges: fakeshape's.
var (
	testNets4 = fakeshape.IPv4Nets
	testNet6  = fakeshape.IPv6Prefix
)

type ipFake struct{ k *Keyer }

func (t *ipFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	v := trimASCIISpace(in)
	if isIntegerColumn(col) {
		return t.integer(v)
	}
	addr, err := netip.ParseAddr(string(v))
	var sum [32]byte
	if err == nil {
		// Key on the address itself, so that "::1" and "0:0::1" agree.
		addr = addr.WithZone("")
		a16 := addr.As16()
		var key [17]byte
		copy(key[:], a16[:])
		if addr.Is4() {
			key[16] = 4
		}
		sum = t.k.Sum("ip", key[:])
	} else {
		sum = t.k.Sum("ip", v)
	}
	r := newStream(sum)
	n := room(col)
	var buf [64]byte

	if err == nil && addr.Is6() && !addr.Is4In6() {
		var a [16]byte
		copy(a[:4], testNet6[:])
		for i := 4; i < 16; i += 8 {
			x := r.next()
			for j := 0; j < 8 && i+j < 16; j++ {
				a[i+j] = byte(x >> (8 * j))
			}
		}
		if b := netip.AddrFrom16(a).AppendTo(buf[:0]); len(b) <= n {
			return append([]byte(nil), b...), false, nil
		}
		// Too long: 2001:db8::xxxx.
		for i := 4; i < 14; i++ {
			a[i] = 0
		}
		if b := netip.AddrFrom16(a).AppendTo(buf[:0]); len(b) <= n {
			return append([]byte(nil), b...), false, nil
		}
	}
	nets := testNets4[r.intn(len(testNets4))]
	a4 := [4]byte{nets[0], nets[1], nets[2], byte(1 + r.intn(254))}
	fake := netip.AddrFrom4(a4)
	if err == nil && addr.Is4In6() {
		fake = netip.AddrFrom16(fake.As16())
	}
	if b := fake.AppendTo(buf[:0]); len(b) <= n {
		return append([]byte(nil), b...), false, nil
	}
	// Shorter forms for small columns: 192.0.2.h with a smaller host.
	for _, h := range [...]byte{a4[3], 1 + a4[3]%99, 1 + a4[3]%9} {
		if b := netip.AddrFrom4([4]byte{192, 0, 2, h}).AppendTo(buf[:0]); len(b) <= n {
			return append([]byte(nil), b...), false, nil
		}
	}
	return nil, false, errTooLong("ip", len("192.0.2.1"), col)
}

// integer writes the fake of an IPv4 address kept as its number (MySQL's
// INET_ATON form, as PrestaShop's ps_connections.ip_address does), as a
// number: the same fake as the address in text gets.
func (t *ipFake) integer(v []byte) ([]byte, bool, error) {
	n, err := strconv.ParseUint(string(v), 10, 32)
	in := v
	if err == nil {
		in = netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}).AppendTo(nil)
	}
	out, null, err := t.Transform(in, false, Column{}, nil)
	if err != nil || null {
		return out, null, err
	}
	a, err := netip.ParseAddr(string(out))
	if err != nil || !a.Is4() {
		return nil, false, fmt.Errorf("%w: ip: no IPv4 fake for %q", ErrType, v)
	}
	b := a.As4()
	return strconv.AppendUint(nil, uint64(b[0])<<24|uint64(b[1])<<16|uint64(b[2])<<8|uint64(b[3]), 10), false, nil
}

type urlFake struct {
	k      *Keyer
	domain string
}

func (t *urlFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	v := trimASCIISpace(in)
	r := newStream(t.k.Sum("url", v))
	scheme := "https://"
	if len(v) >= 7 && bytes.EqualFold(v[:7], []byte("http://")) {
		scheme = "http://"
	}
	host := pick(&r, loremWords)
	p1 := pick(&r, loremWords)
	p2 := pick(&r, loremWords)
	num := r.intn(1000000)

	out := make([]byte, 0, len(scheme)+len(host)+1+len(t.domain)+2+len(p1)+len(p2)+8)
	out = append(append(append(append(out, scheme...), host...), '.'), t.domain...)
	out = append(out, '/')
	base := len(out)
	out = append(append(append(append(out, p1...), '/'), p2...), '-')
	out = strconv.AppendInt(out, int64(num), 10)
	n := room(col)
	switch {
	case len(out) <= n:
		return out, false, nil
	case base <= n:
		return out[:base], false, nil
	}
	short := scheme + t.domain + "/"
	if len(short) <= n {
		return []byte(short), false, nil
	}
	return nil, false, errTooLong("url", len(short), col)
}

type userAgentFake struct{ k *Keyer }

var userAgentsB = asBytes(userAgents)

func (t *userAgentFake) Transform(in []byte, null bool, col Column, _ Row) ([]byte, bool, error) {
	if null || len(in) == 0 {
		return in, null, nil
	}
	r := newStream(t.k.Sum("user_agent", in))
	i := r.intn(len(userAgentsB))
	ua := userAgentsB[i]
	if n := room(col); len(ua) > n {
		if f := fitting(userAgentsB, i, n); f != nil {
			ua = f
		} else {
			ua = ua[:n]
		}
	}
	return ua, false, nil
}

// domainOption is the "domain" option of email and url: only reserved
// domains, so a fake can never reach a real mailbox or site.
var domainOption = option{
	name:    "domain",
	kind:    optString,
	accepts: "a reserved domain: example.com, example.net, example.org or a name under them, or a name under .test, .example or .invalid",
	check:   checkReservedDomain,
}
