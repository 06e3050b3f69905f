/** The redaction plugin: a {@code pre_assert_transform} filter that masks e-mail addresses and phone numbers. */
package com.example.redaction;
