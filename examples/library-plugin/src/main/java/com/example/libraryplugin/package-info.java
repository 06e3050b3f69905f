/** Example plugin shipped as a zip with a private library jar. */
package com.example.libraryplugin;
