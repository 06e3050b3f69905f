/** A recall ranker whose adjustment is a formula from the node's configuration, evaluated with exp4j. */
package com.example.rankformula;
