package io.berth.daemon.image;

/**
 * Hears of each finished pull and push and the layer bytes it moved, so that metrics can count
 * them without the image service knowing of any metrics library.
 */
public interface TransferObserver {
  TransferObserver NONE = new TransferObserver() {
    @Override
    public void pulled(boolean ok, long bytes) {
    }

    @Override
    public void pushed(boolean ok, long bytes) {
    }
  };

  /** A pull ended ({@code ok}: the image is stored); {@code bytes}: layer bytes downloaded. */
  void pulled(boolean ok, long bytes);

  /** A push ended ({@code ok}: the manifest is up); {@code bytes}: layer bytes uploaded. */
  void pushed(boolean ok, long bytes);
}
