/** The quota plugin: a {@code pre_assert_validate} vote that caps facts per principal and subject. */
package com.example.quota;
