import java.nio.file.*;
import com.alicloud.openservices.tablestore.core.protocol.PlainBufferBuilder;
import com.alicloud.openservices.tablestore.model.*;

public class Gen {
  static PrimaryKey pk(Object... kv) {
    PrimaryKeyBuilder b = PrimaryKeyBuilder.createPrimaryKeyBuilder();
    for (int i = 0; i < kv.length; i += 2) b.addPrimaryKeyColumn((String) kv[i], (PrimaryKeyValue) kv[i + 1]);
    return b.build();
  }
  static void write(String dir, String name, byte[] b) throws Exception {
    Files.write(Paths.get(dir, name), b);
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02x", x));
    System.out.println(name + " " + s);
  }
  public static void main(String[] a) throws Exception {
    String out = a[0];
    PrimaryKey key = pk("pk1", PrimaryKeyValue.fromString("a"), "pk2", PrimaryKeyValue.fromLong(-7), "pk3", PrimaryKeyValue.fromBinary(new byte[]{0, 1, (byte) 0xff}));
    write(out, "key.plainbuf", PlainBufferBuilder.buildPrimaryKeyWithHeader(key));
    write(out, "range-start.plainbuf", PlainBufferBuilder.buildPrimaryKeyWithHeader(pk("pk1", PrimaryKeyValue.INF_MIN, "pk2", PrimaryKeyValue.INF_MIN, "pk3", PrimaryKeyValue.INF_MIN)));
    write(out, "range-end.plainbuf", PlainBufferBuilder.buildPrimaryKeyWithHeader(pk("pk1", PrimaryKeyValue.INF_MAX, "pk2", PrimaryKeyValue.INF_MAX, "pk3", PrimaryKeyValue.INF_MAX)));
    RowPutChange put = new RowPutChange("sdk", key);
    put.addColumn("s", ColumnValue.fromString("v1"));
    put.addColumn("i", ColumnValue.fromLong(-5));
    put.addColumn("d", ColumnValue.fromDouble(3.5));
    put.addColumn("t", ColumnValue.fromBoolean(true));
    put.addColumn("f", ColumnValue.fromBoolean(false));
    put.addColumn("b", ColumnValue.fromBinary("x".getBytes()));
    put.addColumn("ts", ColumnValue.fromLong(5), 1699000000000L);
    write(out, "put.plainbuf", PlainBufferBuilder.buildRowPutChangeWithHeader(put));
    RowPutChange auto = new RowPutChange("sdkauto", pk("pk1", PrimaryKeyValue.fromString("a"), "pk2", PrimaryKeyValue.AUTO_INCREMENT));
    auto.addColumn("c", ColumnValue.fromString("v"));
    write(out, "put-auto.plainbuf", PlainBufferBuilder.buildRowPutChangeWithHeader(auto));
    write(out, "delete.plainbuf", PlainBufferBuilder.buildRowDeleteChangeWithHeader(new RowDeleteChange("sdk", key)));
    RowUpdateChange up = new RowUpdateChange("sdk", key);
    up.put("p", ColumnValue.fromString("v"));
    up.put("pt", ColumnValue.fromDouble(2.25), 1699000000077L);
    up.deleteColumn("one", 1699000000123L);
    up.deleteColumns("all");
    up.increment(new Column("inc", ColumnValue.fromLong(2)));
    write(out, "update.plainbuf", PlainBufferBuilder.buildRowUpdateChangeWithHeader(up));
    // The column_value bytes of the filters (OTSProtocolBuilder.buildSingleColumnValueFilter line 1107).
    ColumnValue[] fv = {ColumnValue.fromString("v1"), ColumnValue.fromLong(-10), ColumnValue.fromDouble(3.5), ColumnValue.fromBinary("y".getBytes()), ColumnValue.fromBoolean(true)};
    String[] fn = {"s", "i", "d", "b", "t"};
    for (int i = 0; i < fv.length; i++) write(out, "value-" + fn[i] + ".bin", PlainBufferBuilder.buildColumnValueWithoutLengthPrefix(fv[i]));
  }
}
