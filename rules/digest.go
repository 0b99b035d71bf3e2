package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
)

// Digest returns the SHA-256 (hex) of a canonical JSON encoding of the
// resolved rules: tables sorted by pattern, columns and EAV keys by lower-case
// name, paths and conditions sorted, option maps with sorted keys, and no
// positions or file names. Two rule sets that anonymize alike (same rules
// written in another order, spacing, file split or through a preset) have
// the same digest; changing any rule or option changes it.
func (r *Rules) Digest() string {
	b, err := json.Marshal(r.canonical(false))
	if err != nil {
		// Options hold only YAML-decoded values (non-finite floats are
		// rejected at parse time), so this cannot happen.
		panic("rules: digest: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// The c* types are the canonical encoding; field order is fixed by the
// struct definitions.
type (
	cRules struct {
		Version int      `json:"version"`
		Prefix  string   `json:"prefix"`
		Tables  []cTable `json:"tables"`
		Files   cFiles   `json:"files"`
		Sources []string `json:"sources,omitempty"`
	}
	cTable struct {
		Pattern    string    `json:"pattern"`
		Pos        string    `json:"pos,omitempty"`
		FromPreset bool      `json:"from_preset,omitempty"`
		Action     string    `json:"action"`
		Where      []cCond   `json:"where,omitempty"`
		Columns    []cColumn `json:"columns,omitempty"`
		EAV        *cEAV     `json:"eav,omitempty"`
	}
	cColumn struct {
		Column     string  `json:"column"`
		Pos        string  `json:"pos,omitempty"`
		FromPreset bool    `json:"from_preset,omitempty"`
		Spec       *cSpec  `json:"transform,omitempty"`
		Where      []cCond `json:"where,omitempty"`
		PHP        []cPath `json:"php,omitempty"`
		JSON       []cPath `json:"json,omitempty"`
	}
	cSpec struct {
		Name    string         `json:"name"`
		Options map[string]any `json:"options,omitempty"`
		Pos     string         `json:"pos,omitempty"`
	}
	cPath struct {
		Path string `json:"path"`
		Spec cSpec  `json:"transform"`
	}
	cCond struct {
		Column string   `json:"column"`
		Equals []string `json:"equals,omitempty"`
		Regex  string   `json:"regex,omitempty"`
		Null   *bool    `json:"null,omitempty"`
		Not    bool     `json:"not,omitempty"`
	}
	cEAV struct {
		KeyColumn   string `json:"key_column"`
		ValueColumn string `json:"value_column"`
		Keys        []cKey `json:"keys,omitempty"`
	}
	cKey struct {
		Key        string  `json:"key"`
		Pos        string  `json:"pos,omitempty"`
		FromPreset bool    `json:"from_preset,omitempty"`
		Spec       *cSpec  `json:"transform,omitempty"`
		PHP        []cPath `json:"php,omitempty"`
		JSON       []cPath `json:"json,omitempty"`
	}
	cFiles struct {
		Exclude []string `json:"exclude,omitempty"`
		MaxSize int64    `json:"max_size,omitempty"`
		Scrub   []cScrub `json:"scrub,omitempty"`
	}
	cScrub struct {
		Path     string   `json:"path"`
		Patterns []string `json:"patterns"`
		Replace  string   `json:"replace"`
	}
)

// canonical builds the canonical form; debug adds positions, preset marks
// and sources (for golden tests), which the digest leaves out.
func (r *Rules) canonical(debug bool) cRules {
	pos := func(p Pos) string {
		if !debug {
			return ""
		}
		return p.String()
	}
	spec := func(s *Spec) *cSpec {
		if s == nil {
			return nil
		}
		return &cSpec{Name: s.Name, Options: s.Options, Pos: pos(s.Pos)}
	}
	// A keep rule writes values unchanged, as the keep transformer did
	// before keep was a rule of its own: both encode alike, so the digest
	// of rules that say keep did not change.
	ruleSpec := func(keep bool, s *Spec) *cSpec {
		if keep {
			return &cSpec{Name: "keep"}
		}
		return spec(s)
	}
	paths := func(ps []*PathRule) []cPath {
		var out []cPath
		for _, p := range ps {
			out = append(out, cPath{Path: p.Path, Spec: *spec(&p.Spec)})
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
		return out
	}
	conds := func(cs []Condition) []cCond {
		var out []cCond
		for _, c := range cs {
			cc := cCond{Column: strings.ToLower(c.Column), Null: c.Null, Not: c.Not}
			if c.Equals != nil {
				cc.Equals = append([]string(nil), c.Equals...)
				sort.Strings(cc.Equals)
			}
			if c.Regex != nil {
				cc.Regex = c.Regex.String()
			}
			out = append(out, cc)
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Column < out[j].Column })
		return out
	}

	out := cRules{Version: r.Version, Prefix: r.Prefix, Tables: []cTable{}}
	if debug {
		out.Sources = r.Sources
	}
	for _, t := range r.Tables {
		ct := cTable{Pattern: t.Pattern, Pos: pos(t.Pos), Action: t.Action.String(), Where: conds(t.Where)}
		if debug {
			ct.FromPreset = t.FromPreset
		}
		for _, c := range t.Columns {
			cc := cColumn{Column: strings.ToLower(c.Column), Pos: pos(c.Pos), Spec: ruleSpec(c.Keep, c.Spec),
				Where: conds(c.Where), PHP: paths(c.PHP), JSON: paths(c.JSON)}
			if debug {
				cc.FromPreset = c.FromPreset
			}
			ct.Columns = append(ct.Columns, cc)
		}
		sort.SliceStable(ct.Columns, func(i, j int) bool { return ct.Columns[i].Column < ct.Columns[j].Column })
		if e := t.EAV; e != nil {
			ce := &cEAV{KeyColumn: strings.ToLower(e.KeyColumn), ValueColumn: strings.ToLower(e.ValueColumn)}
			for _, k := range e.Keys {
				ck := cKey{Key: strings.ToLower(k.Key), Pos: pos(k.Pos), Spec: ruleSpec(k.Keep, k.Spec), PHP: paths(k.PHP), JSON: paths(k.JSON)}
				if debug {
					ck.FromPreset = k.FromPreset
				}
				ce.Keys = append(ce.Keys, ck)
			}
			sort.SliceStable(ce.Keys, func(i, j int) bool { return ce.Keys[i].Key < ce.Keys[j].Key })
			ct.EAV = ce
		}
		out.Tables = append(out.Tables, ct)
	}
	sort.SliceStable(out.Tables, func(i, j int) bool { return out.Tables[i].Pattern < out.Tables[j].Pattern })

	f := r.Files
	out.Files.MaxSize = f.MaxSize
	out.Files.Exclude = append([]string(nil), f.Exclude...)
	sort.Strings(out.Files.Exclude)
	for _, s := range f.Scrub {
		cs := cScrub{Path: s.Path, Replace: s.Replace, Patterns: []string{}}
		for _, p := range s.Patterns {
			cs.Patterns = append(cs.Patterns, p.String())
		}
		out.Files.Scrub = append(out.Files.Scrub, cs)
	}
	sort.SliceStable(out.Files.Scrub, func(i, j int) bool { return out.Files.Scrub[i].Path < out.Files.Scrub[j].Path })
	return out
}
