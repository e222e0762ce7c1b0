package dev.lodestar.inference.serving;

import org.tribuo.Model;

/** Turns a Tribuo model read from verified bytes into the form the server scores with. */
@FunctionalInterface
public interface ModelCompiler {

    /** The servable form of {@code model}; the message of an exception says why it cannot be served. */
    ServableModel compile(Model<?> model) throws Exception;
}
