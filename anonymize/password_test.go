package anonymize

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stagecopy/stagecopy/internal/passhash"
)

// The hash formats themselves, with published vectors, are tested in
// internal/passhash; these are tests of the transformer.

// passwordInputs are hashes in each format passhash knows. Which format
// each is, and what a hash in it looks like, is tested in internal/passhash;
// here the fake must be in the input's format as passhash.Detect reads it.
var passwordInputs = []string{
	"$P$BZlPX7NIx8MYpXokBW2AGsN7i.aUOt0",
	"$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1",
	"$P$S12345678L6Lpt4BxNotVIMILOa9u81", // 2^30 rounds capped to 2^13
	"$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm",
	"$2b$04$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
	"$2y$13$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm", // cost capped
	"$wp$2y$10$qeleDSuDaeZO5fBsEqFReeWdlqaDnBDBzB16hFgsFnhN9qFBIihvm",
	"$S$DXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G",
	"U$S$DXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G",
	"$S$CXZrp425p2VN9LXpDWxiBeqSZSPexyZNNPUo80fTTN2e/W15a97G",
	"$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
	"5f4dcc3b5aa765d61d8327deb882cf99",
	"5F4DCC3B5AA765D61D8327DEB882CF99",
	"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
	"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
	"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8:QPdbS4UNtkw4G1MXHtJgQ63kRlapYcwq:1",
	"a2b7b6b1f0b5a1e5c0a5d4c1b2a3f4e5d6c7b8a9e0f1a2b3c4d5e6f7a8b9c0d1:saltsaltsaltsaltsaltsaltsaltsalt:3_32_2_67108864",
	"61529519452809720693702583126814:aB",
	"plaintext-password!",
	"*THISISNOTAHASH",
}

func TestPasswordFormats(t *testing.T) {
	tr := mustNew(t, "password", nil, keyerA)
	other := mustNew(t, "password", nil, keyerB)
	known := mustNew(t, "password", map[string]any{"password": "Support-Test-123"}, keyerA)
	s := keyerA.Sum("password", nil)
	derived := base64.RawURLEncoding.EncodeToString(s[:15])
	for _, in := range passwordInputs {
		want := passhash.Detect([]byte(in))
		out := run(t, tr, in, Column{})
		if got := passhash.Detect([]byte(out)); got.Setting() != want.Setting() {
			t.Errorf("password(%q) = %q: format %s, want %s", in, out, got.Setting(), want.Setting())
		}
		if again := run(t, tr, in, Column{}); again != out {
			t.Errorf("password(%q) not deterministic: %q then %q", in, out, again)
		}
		if o := run(t, other, in, Column{}); o == out {
			t.Errorf("password(%q) the same under another secret", in)
		}
		// The fake verifies the run's derived password, and not the old one.
		if !passhash.Check([]byte(out), []byte(derived)) {
			t.Errorf("password(%q) = %q does not verify its derived password", in, out)
		}
		if passhash.Check([]byte(out), []byte("password")) {
			t.Errorf("password(%q) = %q verifies \"password\"", in, out)
		}
		// With a known password, the fake verifies it.
		k := run(t, known, in, Column{})
		if passhash.Detect([]byte(k)).Setting() != want.Setting() || !passhash.Check([]byte(k), []byte("Support-Test-123")) {
			t.Errorf("password(%q) with a known password = %q: does not verify or wrong format", in, k)
		}
	}
	// One hash per format and cost: another user's $P$B hash gets the same
	// fake, a $P$9 hash another.
	pb := run(t, tr, "$P$B12345678L6Lpt4BxNotVIMILOa9u81", Column{})
	if run(t, tr, passwordInputs[0], Column{}) != pb {
		t.Error("two $P$B hashes got different fakes")
	}
	if run(t, tr, "$P$912345678LIjjb6PhecupozNBmDndU0", Column{}) == pb {
		t.Error("$P$9 and $P$B hashes got the same fake")
	}
	if _, _, err := tr.Transform([]byte(passwordInputs[3]), false, Column{Type: "varchar", MaxLen: 59}, nil); err == nil || !strings.Contains(err.Error(), "bcrypt") {
		t.Errorf("bcrypt in varchar(59): %v", err)
	}
}
