/** A fact filter that strips HTML with jsoup. */
package com.example.htmlstrip;
