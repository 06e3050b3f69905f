/** Example plugin as an explicit module: votes on asserts and emits an audit event. */
package com.example.greeter;
