package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/stagecopy/stagecopy/internal/atomicfile"
)

// writeJSONFile writes v as indented JSON to path (a report file), replacing
// it whole or not at all.
func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	f, err := atomicfile.Create(path, true)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer f.Abort()
	if _, err := f.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return f.Commit()
}

// printJSON writes v to w as indented JSON and a newline: the --json output
// of list, inspect, scan and receipt.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jsonFlag is --json of the commands that print a result: one JSON object
// on standard output instead of the text, in the shape docs/json.md gives.
func jsonFlag() cli.Flag {
	return &cli.BoolFlag{Name: "json", Usage: "print the result as one JSON object on standard output (docs/json.md)"}
}

// dash is s, or "-" for nothing, in tables and summaries.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
