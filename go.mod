module github.com/stagecopy/stagecopy

go 1.26.0

require (
	github.com/klauspost/compress v1.20.3
	golang.org/x/mod v0.42.0
)
