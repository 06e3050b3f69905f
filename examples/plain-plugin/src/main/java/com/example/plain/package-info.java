/** Example plugin as a plain jar (no module-info), sealed by the loader into an explicit module. */
package com.example.plain;
