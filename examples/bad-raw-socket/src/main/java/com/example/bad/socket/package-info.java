/** Misbehaving example: opens a raw socket, which the pre-scan denies. */
package com.example.bad.socket;
