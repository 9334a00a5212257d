package io.skyrelay.service.catalogue;

/** One column of a tabular dataset, as profiling found it. */
public record Column(String name, ColumnType type) implements java.io.Serializable {}
