package io.berth.cluster.dispatcher;

import io.berth.oci.Json;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * gRPC's message codec for the dispatcher: each message is one JSON document of a record
 * (Jackson, the model's own mapping), in place of protoc-generated classes (decision 0035).
 * gRPC bounds the frame ({@link DispatcherMethods#MAX_MESSAGE_BYTES}); this refuses anything
 * larger that reaches it, and answers malformed JSON with INVALID_ARGUMENT rather than a crash.
 */
final class JsonMarshaller<T> implements MethodDescriptor.Marshaller<T> {
  private final Class<T> type;

  JsonMarshaller(Class<T> type) {
    this.type = type;
  }

  @Override
  public InputStream stream(T value) {
    return new ByteArrayInputStream(Json.bytes(value));
  }

  @Override
  public T parse(InputStream stream) {
    try (stream) {
      byte[] data = stream.readNBytes(DispatcherMethods.MAX_MESSAGE_BYTES + 1);
      if (data.length > DispatcherMethods.MAX_MESSAGE_BYTES) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription(type.getSimpleName() + " message larger than " + DispatcherMethods.MAX_MESSAGE_BYTES + " bytes")
            .asRuntimeException();
      }
      return Json.MAPPER.readValue(data, type);
    } catch (IOException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription("malformed " + type.getSimpleName() + " message: " + e.getMessage().split("\n")[0])
          .withCause(e)
          .asRuntimeException();
    }
  }
}
