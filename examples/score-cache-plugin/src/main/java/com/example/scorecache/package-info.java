/** A recall ranker that caches per-fact terms with Caffeine. */
package com.example.scorecache;
