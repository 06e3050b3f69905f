/** The citation plugin: a {@code pre_assert_transform} filter that cites a fact's source. */
package com.example.citation;
