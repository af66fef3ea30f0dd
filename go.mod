module github.com/rocketfn/rocketfn

go 1.26
