package ru.qualityportal.analysis;

import java.io.IOException;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/** Replaces "ё" with "е" (and "Ё" with "Е") so both spellings match. */
public final class YoFoldFilter extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

    public YoFoldFilter(TokenStream input) {
        super(input);
    }

    @Override
    public boolean incrementToken() throws IOException {
        if (!input.incrementToken()) {
            return false;
        }
        char[] buffer = term.buffer();
        int length = term.length();
        for (int i = 0; i < length; i++) {
            if (buffer[i] == 'ё') {
                buffer[i] = 'е';
            } else if (buffer[i] == 'Ё') {
                buffer[i] = 'Е';
            }
        }
        return true;
    }
}
