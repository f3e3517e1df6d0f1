package main

import (
	"os"

	"example.com/greet"
)

func main() { os.Stdout.WriteString(greet.Message()) }
