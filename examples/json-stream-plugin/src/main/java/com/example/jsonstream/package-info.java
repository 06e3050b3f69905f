/** A JSON validator built on its own version of jackson-core. */
package com.example.jsonstream;
