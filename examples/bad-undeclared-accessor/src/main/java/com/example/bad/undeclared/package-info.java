/** Misbehaving example: calls an accessor its manifest does not declare, which the pre-scan and the runtime gate both stop. */
package com.example.bad.undeclared;
