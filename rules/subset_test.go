package rules

import (
	"strings"
	"testing"
)

// TestSubsetParse reads a subset section through a preset and a file: roots,
// whole tables and references with {prefix} replaced, a file's reference
// replacing the preset's one with the same ends and condition.
func TestSubsetParse(t *testing.T) {
	src := `version: 1
extends: preset:woocommerce
prefix: shop_
subset:
  roots:
    - table: "{prefix}posts"
      where: "post_type = 'shop_order' AND post_date >= NOW() - INTERVAL 30 DAY"
  whole: ["{prefix}links"]
  references:
    - from: "{prefix}postmeta.meta_value"
      to: "{prefix}users.ID"
      when: {meta_key: _customer_user}
    - from: "{prefix}posts.post_parent"
      to: "{prefix}posts.ID"
      dependents: true
`
	r, err := Parse("s.yml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := r.Subset
	if !s.Active() || len(s.Roots) != 1 || s.Roots[0].Table != "shop_posts" || !strings.Contains(s.Roots[0].Where, "INTERVAL 30 DAY") {
		t.Fatalf("roots = %+v", s.Roots)
	}
	if s.Roots[0].Pos.Line != 6 {
		t.Errorf("root pos = %v", s.Roots[0].Pos)
	}
	var whole []string
	for _, w := range s.Whole {
		whole = append(whole, w.Pattern)
	}
	for _, w := range []string{"shop_options", "shop_links", "shop_wc_tax_rate_classes"} {
		if !strings.Contains(strings.Join(whole, " "), w) {
			t.Errorf("whole = %v, want %s in it", whole, w)
		}
	}
	var found, parent int
	for _, ref := range s.References {
		if ref.From == "shop_postmeta" && ref.FromColumn == "meta_value" && ref.To == "shop_users" && ref.Condition() == "`meta_key` = '_customer_user'" {
			found++
			if ref.FromPreset {
				t.Errorf("%s: the file's reference should replace the preset's", ref)
			}
		}
		if ref.From == "shop_posts" && ref.FromColumn == "post_parent" && ref.Condition() == "" {
			parent++
			if !ref.Dependents {
				t.Errorf("%s: dependents not read", ref)
			}
		}
		if strings.Contains(ref.From+ref.To, "{prefix}") {
			t.Errorf("%s: {prefix} not replaced", ref)
		}
	}
	if found != 1 || parent != 1 {
		t.Errorf("customer references %d, post_parent references %d, want 1 each: %v", found, parent, s.References)
	}
	if len(s.Always) != 1 || s.Always[0].Table != "shop_posts" {
		t.Errorf("always = %+v, want the preset's shop_posts", s.Always)
	}

	// The preset alone has references, whole tables and always rows,
	// but no root: no subset unless one is asked for.
	p, err := LoadPreset("woocommerce", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Subset.Active() || len(p.Subset.References) < 30 || len(p.Subset.Always) != 1 {
		t.Errorf("woocommerce preset: active %v, %d references, %d always", p.Subset.Active(), len(p.Subset.References), len(p.Subset.Always))
	}

}

// TestSubsetFromPattern: a reference's from table may be a glob (Drupal's
// field tables), its to table may not.
func TestSubsetFromPattern(t *testing.T) {
	r, err := Parse("e.yml", []byte("version: 1\nsubset:\n  references:\n    - {from: \"node__*.entity_id\", to: node.nid, dependents: true}\n"), Options{})
	if err != nil || len(r.Subset.References) != 1 || r.Subset.References[0].From != "node__*" || r.Subset.References[0].FromColumn != "entity_id" {
		t.Fatalf("%v, %+v", err, r)
	}
}

func TestSubsetErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"subset:\n  roots:\n    - table: posts\n", "e.yml:4:7: a subset root needs both table and where"},
		{"subset:\n  roots:\n    - {table: posts, where: \"1; DROP TABLE x\"}\n", "e.yml:4:29: root condition \"1; DROP TABLE x\": ';' at byte 2"},
		{"subset:\n  roots:\n    - {table: posts, where: \"(a = 1\"}\n", "unbalanced '('"},
		{"subset:\n  roots:\n    - {table: \"wp_*\", where: \"1\"}\n", "e.yml:4:15: \"wp_*\": a subset names one table, not a pattern"},
		{"subset:\n  references:\n    - {from: postmeta, to: posts.ID}\n", "e.yml:4:14: from \"postmeta\" must be table.column"},
		{"subset:\n  references:\n    - {from: a.b, to: c.d, dependents: maybe}\n", "e.yml:4:40: dependents must be true or false"},
		{"subset:\n  references:\n    - {from: a.b, to: c.d, when: {k: [1]}}\n", "e.yml:4:38: when k must be a value"},
		{"subset:\n  references:\n    - {from: \"f_*.b\", to: \"c_*.d\"}\n", "e.yml:4:27: \"c_*\": a subset names one table, not a pattern"},
		{"subset:\n  references:\n    - {from: \"f_[.b\", to: c.d}\n", "bad glob in table pattern \"f_[\""},
		{"subset:\n  refs: []\n", "e.yml:3:3: unknown key \"refs\" in subset"},
		{"subset:\n  whole: options\n", "e.yml:3:10: subset whole must be a list"},
	} {
		_, err := Parse("e.yml", []byte("version: 1\n"+c.src), Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want %q", c.src, err, c.want)
		}
	}
}

func TestParseSubsetFlag(t *testing.T) {
	r, err := ParseSubsetFlag("wp_posts: post_date >= NOW() - INTERVAL 30 DAY")
	if err != nil || r.Table != "wp_posts" || r.Where != "post_date >= NOW() - INTERVAL 30 DAY" {
		t.Fatalf("%+v, %v", r, err)
	}
	for _, bad := range []string{"wp_posts", ": x = 1", "wp_posts:", "wp_posts: a = 1 -- x", "wp_posts: a = ')"} {
		if _, err := ParseSubsetFlag(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
