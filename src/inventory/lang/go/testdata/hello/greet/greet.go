package greet

func Message() string { return "hello from bulkhead test data\n" }
