/** A recall ranker that keeps each fact's terms in a bounded least-recently-used map (Apache Commons Collections). */
package com.example.termcache;
