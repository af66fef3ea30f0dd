package org.apache.commons.logging;
public interface Log { default void error(Object o){} default void error(Object o, Throwable t){} default void warn(Object o){} default void warn(Object o, Throwable t){} default void info(Object o){} default void debug(Object o){} default boolean isDebugEnabled(){return false;} }
