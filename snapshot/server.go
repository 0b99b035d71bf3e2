package snapshot

import (
	"context"
	"fmt"

	"github.com/stagecopy/stagecopy/anonymize"
	"github.com/stagecopy/stagecopy/internal/dbdump"
	"github.com/stagecopy/stagecopy/internal/sqldump"
	"github.com/stagecopy/stagecopy/rules"
)

// openServer starts a consistent read of a live database. Tables the rules
// truncate are read without their rows and tables they skip not at all.
func openServer(ctx context.Context, cfg dbdump.Config, r *rules.Rules, filter func(sqldump.Stream) sqldump.Stream) (*dumpInput, *dbdump.Dumper, error) {
	var omitted []string
	if r != nil {
		cfg.Rows = rowPolicy(r, &omitted)
	}
	dd, err := dbdump.Open(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	info := dd.Info()
	d := &dumpInput{path: fmt.Sprintf("database %s", info.Database), total: info.BytesEstimate, rowsTotal: info.RowsEstimate, database: info.Database, server: info.ServerVersion, noTails: true}
	d.done = func() int64 { _, b := dd.Progress(); return b }
	d.closers = append(d.closers, func() { dd.Close() })
	d.sc = dd
	if filter != nil {
		d.sc = filter(dd)
		d.rewrites = rewritesOf(d.sc)
		if f, ok := d.sc.(*anonymize.Filter); ok {
			f.Present(omitted...)
		}
	}
	if err := d.peek(); err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, dd, nil
}

// rowPolicy returns the live reader's row policy for the rules: tables the
// rules truncate are read without their rows, tables they skip not at all
// (and added to omitted).
func rowPolicy(r *rules.Rules, omitted *[]string) func(string) dbdump.RowPolicy {
	return func(table string) dbdump.RowPolicy {
		tr := r.ForTable(table)
		switch {
		case tr == nil:
			return dbdump.RowsAll
		case tr.Action == rules.ActionSkip:
			*omitted = append(*omitted, table)
			return dbdump.OmitTable
		case tr.Action == rules.ActionTruncate:
			return dbdump.RowsNone
		}
		return dbdump.RowsAll
	}
}

// PlanSubset is a dry run of a subset snapshot of the live database cfg
// names with rules r (nil with no anonymization): what the subset would
// take of each table, computed inside one consistent snapshot, no row read.
func PlanSubset(ctx context.Context, cfg dbdump.Config, r *rules.Rules, s *rules.Subset) (*dbdump.SubsetInfo, error) {
	cfg.Subset = DumpSubset(s)
	if cfg.Subset == nil {
		return nil, fmt.Errorf("%w: no root: give one (--subset 'TABLE: CONDITION', or roots in the rules' subset section)", ErrSubset)
	}
	if r != nil {
		var omitted []string
		cfg.Rows = rowPolicy(r, &omitted)
	}
	return dbdump.PlanSubset(ctx, cfg)
}
