/** Misbehaving example: accepted by the pre-scan, refused at run time by the runtime JDK guard. */
package com.example.bad.provider;
