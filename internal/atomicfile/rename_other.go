//go:build !linux

package atomicfile

// RenameNoReplace renames from to to, and fails with fs.ErrExist when to
// exists, whatever it is (rename(2) replaces an empty directory). Here it
// checks first: something made under to in between is replaced if it is
// an empty directory.
func RenameNoReplace(from, to string) error { return renameChecked(from, to) }
