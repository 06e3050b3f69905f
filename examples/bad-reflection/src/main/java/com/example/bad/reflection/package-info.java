/** Misbehaving example: pries into classes by reflection, which the pre-scan denies and the module system stops. */
package com.example.bad.reflection;
