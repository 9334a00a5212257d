package io.skyrelay.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

/**
 * The small generated datasets of {@code skyrelay serve demo}, the same on every run: {@code
 * objects/} (binary objects of a few sizes in two folders) and {@code trips/} (two CSV files of
 * taxi trips: trip_id, city, distance_km, passengers, paid, started_at).
 */
public final class DemoData {

  /** The trips table's columns. */
  public static final List<String> TRIP_COLUMNS =
      List.of("trip_id", "city", "distance_km", "passengers", "paid", "started_at");

  static final List<String> CITIES = List.of("Lisbon", "Oslo", "Porto", "Turin", "Zurich");

  /** Rows in each of the two trips files. */
  public static final int ROWS_PER_FILE = 150;

  private DemoData() {}

  /** Writes both datasets under {@code root} (replacing what is there); returns {@code root}. */
  public static Path write(Path root) {
    Random random = new Random(42);
    try {
      Path objects = root.resolve("objects");
      for (String folder : List.of("images", "logs")) {
        Files.createDirectories(objects.resolve(folder));
        for (int i = 0; i < 6; i++) {
          byte[] bytes = new byte[100 << (2 * (i % 4))];
          random.nextBytes(bytes);
          String name = folder.equals("images") ? "img-" + i + ".jpg" : "app-" + i + ".log";
          Files.write(objects.resolve(folder).resolve(name), bytes);
        }
      }
      Path trips = root.resolve("trips");
      Files.createDirectories(trips);
      Instant start = Instant.parse("2024-03-01T00:00:00Z");
      int id = 1;
      for (String file : List.of("2024-03.csv", "2024-04.csv")) {
        StringBuilder csv = new StringBuilder(String.join(",", TRIP_COLUMNS)).append('\n');
        for (int r = 0; r < ROWS_PER_FILE; r++, id++) {
          String city = CITIES.get(random.nextInt(CITIES.size()));
          double distance = Math.round(random.nextDouble() * 300) / 10.0;
          int passengers = 1 + random.nextInt(4);
          String passengersCell = r % 25 == 7 ? "" : Integer.toString(passengers);
          boolean paid = random.nextInt(10) != 0;
          Instant at = start.plus(id * 137L, ChronoUnit.MINUTES);
          csv.append(id)
              .append(',')
              .append(city)
              .append(',')
              .append(distance)
              .append(',')
              .append(passengersCell)
              .append(',')
              .append(paid)
              .append(',')
              .append(at)
              .append('\n');
        }
        Files.writeString(trips.resolve(file), csv, StandardCharsets.UTF_8);
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo data under " + root, e);
    }
  }
}
