/**
 * The right to be forgotten as a plugin: a tombstone fact erases a subject from a tenant and keeps
 * it erased. See {@link com.example.tombstones.TombstonesPlugin}.
 */
package com.example.tombstones;
