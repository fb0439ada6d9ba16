package ru.qualityportal.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.tartarus.snowball.ext.RussianStemmer;

/** Token filter {@code qp_russian_stem}: the Snowball Russian stemmer (lower case input). */
@NamedComponent("qp_russian_stem")
public class RussianStemFilterFactory implements TokenFilterFactory {
    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new SnowballFilter(tokenStream, new RussianStemmer());
    }
}
