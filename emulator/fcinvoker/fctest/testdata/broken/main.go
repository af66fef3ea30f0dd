// Command broken does not compile, for the test of a failed build.
package main

func main() { undefined() }
