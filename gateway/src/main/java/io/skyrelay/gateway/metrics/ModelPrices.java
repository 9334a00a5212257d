package io.skyrelay.gateway.metrics;

import io.skyrelay.transforms.placement.CostModel;

/**
 * The prices of the regions as the placement policies see them: the {@link CostModel} built from
 * the config's region data, so that the running cost and the policies' choices agree (and agree
 * with what {@code replay} predicts). Labels the model does not have cost nothing.
 */
public final class ModelPrices implements Prices {

  private final CostModel model;

  public ModelPrices(CostModel model) {
    this.model = model;
  }

  @Override
  public double egressUsdPerByte(String from, String to) {
    int s = model.indexOf(from);
    int d = model.indexOf(to);
    return s < 0 || d < 0 ? 0 : model.egressPerByte(s, d);
  }

  @Override
  public double requestUsd(String region, boolean write) {
    int r = model.indexOf(region);
    return r < 0 ? 0 : write ? model.putUsd(r) : model.getUsd(r);
  }

  @Override
  public double storageUsdPerByteHour(String region) {
    int r = model.indexOf(region);
    return r < 0 ? 0 : model.storageUsdPerGbHour(r) / 1e9;
  }
}
