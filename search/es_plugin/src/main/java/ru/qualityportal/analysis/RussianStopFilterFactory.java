package ru.qualityportal.analysis;

import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Token filter {@code qp_russian_stop}: Lucene's Russian stop words (lower case input). */
@NamedComponent("qp_russian_stop")
public class RussianStopFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new StopFilter(tokenStream, RussianAnalyzer.getDefaultStopSet());
    }
}
