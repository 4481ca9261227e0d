import { MessageCodec } from './protobuf-codec.ts';

/**
 * The part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto3) a plain MLP needs, with the official
 * field numbers; fields we never use are left out (protobuf skips unknown fields when decoding).
 * Enums are declared as int32, which is the same on the wire.
 */
const field = (id: number, type: string) => ({ id, type });
const repeated = (id: number, type: string) => ({ id, type, rule: 'repeated' });

/** In protobufjs's JSON form, so the tests can check our codec against protobufjs itself. */
export const onnxSchema = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: field(1, 'int64'),
            producer_name: field(2, 'string'),
            producer_version: field(3, 'string'),
            domain: field(4, 'string'),
            model_version: field(5, 'int64'),
            doc_string: field(6, 'string'),
            graph: field(7, 'GraphProto'),
            opset_import: repeated(8, 'OperatorSetIdProto'),
            metadata_props: repeated(14, 'StringStringEntryProto'),
          },
        },
        OperatorSetIdProto: { fields: { domain: field(1, 'string'), version: field(2, 'int64') } },
        StringStringEntryProto: { fields: { key: field(1, 'string'), value: field(2, 'string') } },
        GraphProto: {
          fields: {
            node: repeated(1, 'NodeProto'),
            name: field(2, 'string'),
            initializer: repeated(5, 'TensorProto'),
            doc_string: field(10, 'string'),
            input: repeated(11, 'ValueInfoProto'),
            output: repeated(12, 'ValueInfoProto'),
            value_info: repeated(13, 'ValueInfoProto'),
          },
        },
        NodeProto: {
          fields: {
            input: repeated(1, 'string'),
            output: repeated(2, 'string'),
            name: field(3, 'string'),
            op_type: field(4, 'string'),
            attribute: repeated(5, 'AttributeProto'),
            doc_string: field(6, 'string'),
            domain: field(7, 'string'),
          },
        },
        AttributeProto: {
          fields: {
            name: field(1, 'string'),
            f: field(2, 'float'),
            i: field(3, 'int64'),
            s: field(4, 'bytes'),
            t: field(5, 'TensorProto'),
            floats: repeated(7, 'float'),
            ints: repeated(8, 'int64'),
            type: field(20, 'int32'),
          },
        },
        TensorProto: {
          fields: {
            dims: repeated(1, 'int64'),
            data_type: field(2, 'int32'),
            float_data: repeated(4, 'float'),
            name: field(8, 'string'),
            raw_data: field(9, 'bytes'),
            doc_string: field(12, 'string'),
            data_location: field(14, 'int32'),
          },
        },
        ValueInfoProto: { fields: { name: field(1, 'string'), type: field(2, 'TypeProto'), doc_string: field(3, 'string') } },
        TypeProto: { fields: { tensor_type: field(1, 'TypeProtoTensor'), denotation: field(6, 'string') } },
        TypeProtoTensor: { fields: { elem_type: field(1, 'int32'), shape: field(2, 'TensorShapeProto') } },
        TensorShapeProto: { fields: { dim: repeated(1, 'Dimension') } },
        Dimension: { fields: { dim_value: field(1, 'int64'), dim_param: field(2, 'string'), denotation: field(3, 'string') } },
      },
    },
  },
};

export const ModelProto = new MessageCodec(onnxSchema.nested.onnx.nested, 'ModelProto');

/** ONNX TensorProto.DataType.FLOAT and AttributeProto.AttributeType values we write. */
export const ONNX_FLOAT = 1;
export const ONNX_ATTRIBUTE_FLOAT = 1;
export const ONNX_ATTRIBUTE_INT = 2;
/** IR version 7 with opset 13: every runtime since ONNX 1.8 / onnxruntime 1.6 reads it; Clip takes min/max as inputs since opset 11. */
export const ONNX_IR_VERSION = 7;
export const ONNX_OPSET = 13;
