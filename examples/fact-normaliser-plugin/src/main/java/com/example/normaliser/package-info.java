/** A fact normaliser built on Apache commons-text. */
package com.example.normaliser;
