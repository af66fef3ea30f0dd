import os, sys
from tablestore.metadata import *
from tablestore.plainbuffer.plain_buffer_builder import PlainBufferBuilder
from tablestore.encoder import OTSProtoBufferEncoder
import tablestore.protobuf.table_store_filter_pb2 as filter_pb2

out = sys.argv[1]
key = [('pk1', 'a'), ('pk2', -7), ('pk3', bytearray(b'\x00\x01\xff'))]
rs = [('pk1', INF_MIN), ('pk2', INF_MIN), ('pk3', INF_MIN)]
re_ = [('pk1', INF_MAX), ('pk2', INF_MAX), ('pk3', INF_MAX)]
auto = [('pk1', 'a'), ('pk2', PK_AUTO_INCR)]
put = [('s', 'v1'), ('i', -5), ('d', 3.5), ('t', True), ('f', False), ('b', bytearray(b'x')), ('ts', 5, 1699000000000)]
update = {'PUT': [('p', 'v'), ('pt', 2.25, 1699000000077)], 'DELETE': [('one', None, 1699000000123)],
          'DELETE_ALL': ['all'], 'INCREMENT': [('inc', 2)]}
cases = {
    'key': lambda: PlainBufferBuilder.serialize_primary_key(key),
    'range-start': lambda: PlainBufferBuilder.serialize_primary_key(rs),
    'range-end': lambda: PlainBufferBuilder.serialize_primary_key(re_),
    'put': lambda: PlainBufferBuilder.serialize_for_put_row(key, put),
    'put-auto': lambda: PlainBufferBuilder.serialize_for_put_row(auto, [('c', 'v')]),
    'delete': lambda: PlainBufferBuilder.serialize_for_delete_row(key),
    'update': lambda: PlainBufferBuilder.serialize_for_update_row(key, update),
}
for name, f in cases.items():
    try:
        b = bytes(f())
    except Exception as e:
        print('%s: %s: %s' % (name, type(e).__name__, e))
        continue
    open(os.path.join(out, name + '.plainbuf'), 'wb').write(b)
    print(name, b.hex())

enc = OTSProtoBufferEncoder('utf-8')
single = SingleColumnCondition('s', 'v1', ComparatorType.EQUAL, pass_if_missing=False, latest_version_only=True)
orc = CompositeColumnCondition(LogicalOperator.OR)
orc.add_sub_condition(SingleColumnCondition('d', 3.5, ComparatorType.LESS_EQUAL, pass_if_missing=False, latest_version_only=False))
orc.add_sub_condition(SingleColumnCondition('b', bytearray(b'y'), ComparatorType.NOT_EQUAL, pass_if_missing=True, latest_version_only=True))
orc.add_sub_condition(SingleColumnCondition('t', True, ComparatorType.EQUAL, pass_if_missing=True, latest_version_only=True))
andc = CompositeColumnCondition(LogicalOperator.AND)
andc.add_sub_condition(SingleColumnCondition('i', -10, ComparatorType.GREATER_THAN, pass_if_missing=True, latest_version_only=True))
andc.add_sub_condition(orc)
for name, cond in [('filter-single', single), ('filter-composite', andc)]:
    pb = filter_pb2.Filter()
    enc._make_column_condition(pb, cond)   # as _encode_get_range and _make_condition do
    b = pb.SerializeToString()
    open(os.path.join(out, name + '.filter'), 'wb').write(b)
    print(name, b.hex())
