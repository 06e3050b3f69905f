/** A plugin that parses JSON attributes with Gson. */
package com.example.jsonattributes;
