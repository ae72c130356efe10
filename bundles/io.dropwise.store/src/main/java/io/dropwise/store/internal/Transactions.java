package io.dropwise.store.internal;

import java.sql.Connection;
import java.util.concurrent.Callable;

/**
 * How {@link SqlClaimStore} runs work in a transaction: Aries Transaction Control in the
 * framework, plain JDBC in unit tests.
 */
interface Transactions {

    /** Runs work in a transaction, committed when it returns, rolled back when it throws. */
    <T> T required(Callable<T> work);

    /** Runs work outside any transaction. */
    <T> T notSupported(Callable<T> work);

    /** @return the connection to use inside {@link #required} and {@link #notSupported} */
    Connection connection();
}
