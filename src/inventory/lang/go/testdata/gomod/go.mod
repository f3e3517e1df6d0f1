// Shaped like the go.mod of a small container tool: a require block with
// direct and `// indirect` requirements, a single-line require, replacements
// by a fork, by a newer version and by a local directory, an exclude and a
// retract.
module github.com/example/imagetool

go 1.21

toolchain go1.21.13

require (
	github.com/opencontainers/go-digest v1.0.0
	github.com/opencontainers/image-spec v1.1.0
	github.com/sirupsen/logrus v1.9.3
	github.com/urfave/cli/v2 v2.27.1
	golang.org/x/sys v0.15.0 // indirect
	github.com/cpuguy83/go-md2man/v2 v2.0.3 // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
	github.com/xrash/smetrics v0.0.0-20201216005158-039620a65673 // indirect; pulled in by cli
)

require github.com/klauspost/compress v1.17.4

require example.com/internal/testutil v0.0.0-00010101000000-000000000000

replace (
	github.com/sirupsen/logrus => github.com/example/logrus v1.9.3-patched.1
	golang.org/x/sys v0.15.0 => golang.org/x/sys v0.16.0
	golang.org/x/sys v0.1.0 => golang.org/x/sys v0.2.0
)

replace example.com/internal/testutil => ../testutil

exclude github.com/klauspost/compress v1.17.3

retract [v0.1.0, v0.1.3] // published by mistake
