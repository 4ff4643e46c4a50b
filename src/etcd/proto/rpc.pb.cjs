/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars*/
"use strict";

var $protobuf = require("protobufjs/minimal");

var $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;

var $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

$root.etcdserverpb = (function() {

    var etcdserverpb = {};

    etcdserverpb.ResponseHeader = (function() {

        function ResponseHeader(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ResponseHeader.prototype.cluster_id = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        ResponseHeader.prototype.member_id = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        ResponseHeader.prototype.revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        ResponseHeader.prototype.raft_term = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        ResponseHeader.create = function create(properties) {
            return new ResponseHeader(properties);
        };

        ResponseHeader.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.cluster_id != null && Object.hasOwnProperty.call(message, "cluster_id"))
                writer.uint32(8).uint64(message.cluster_id);
            if (message.member_id != null && Object.hasOwnProperty.call(message, "member_id"))
                writer.uint32(16).uint64(message.member_id);
            if (message.revision != null && Object.hasOwnProperty.call(message, "revision"))
                writer.uint32(24).int64(message.revision);
            if (message.raft_term != null && Object.hasOwnProperty.call(message, "raft_term"))
                writer.uint32(32).uint64(message.raft_term);
            return writer;
        };

        ResponseHeader.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.ResponseHeader();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.cluster_id = reader.uint64();
                        break;
                    }
                case 2: {
                        message.member_id = reader.uint64();
                        break;
                    }
                case 3: {
                        message.revision = reader.int64();
                        break;
                    }
                case 4: {
                        message.raft_term = reader.uint64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ResponseHeader.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.ResponseHeader)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.ResponseHeader: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.ResponseHeader();
            if (object.cluster_id != null)
                if ($util.Long)
                    message.cluster_id = $util.Long.fromValue(object.cluster_id, true);
                else if (typeof object.cluster_id === "string")
                    message.cluster_id = parseInt(object.cluster_id, 10);
                else if (typeof object.cluster_id === "number")
                    message.cluster_id = object.cluster_id;
                else if (typeof object.cluster_id === "object")
                    message.cluster_id = new $util.LongBits(object.cluster_id.low >>> 0, object.cluster_id.high >>> 0).toNumber(true);
            if (object.member_id != null)
                if ($util.Long)
                    message.member_id = $util.Long.fromValue(object.member_id, true);
                else if (typeof object.member_id === "string")
                    message.member_id = parseInt(object.member_id, 10);
                else if (typeof object.member_id === "number")
                    message.member_id = object.member_id;
                else if (typeof object.member_id === "object")
                    message.member_id = new $util.LongBits(object.member_id.low >>> 0, object.member_id.high >>> 0).toNumber(true);
            if (object.revision != null)
                if ($util.Long)
                    message.revision = $util.Long.fromValue(object.revision, false);
                else if (typeof object.revision === "string")
                    message.revision = parseInt(object.revision, 10);
                else if (typeof object.revision === "number")
                    message.revision = object.revision;
                else if (typeof object.revision === "object")
                    message.revision = new $util.LongBits(object.revision.low >>> 0, object.revision.high >>> 0).toNumber();
            if (object.raft_term != null)
                if ($util.Long)
                    message.raft_term = $util.Long.fromValue(object.raft_term, true);
                else if (typeof object.raft_term === "string")
                    message.raft_term = parseInt(object.raft_term, 10);
                else if (typeof object.raft_term === "number")
                    message.raft_term = object.raft_term;
                else if (typeof object.raft_term === "object")
                    message.raft_term = new $util.LongBits(object.raft_term.low >>> 0, object.raft_term.high >>> 0).toNumber(true);
            return message;
        };

        ResponseHeader.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.cluster_id = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.cluster_id = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.member_id = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.member_id = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.raft_term = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.raft_term = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.cluster_id != null && Object.hasOwnProperty.call(message, "cluster_id"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.cluster_id = typeof message.cluster_id === "number" ? BigInt(message.cluster_id) : $util.Long.fromBits(message.cluster_id.low >>> 0, message.cluster_id.high >>> 0, true).toBigInt();
                else if (typeof message.cluster_id === "number")
                    object.cluster_id = options.longs === String ? String(message.cluster_id) : message.cluster_id;
                else
                    object.cluster_id = options.longs === String ? $util.Long.prototype.toString.call(message.cluster_id) : options.longs === Number ? new $util.LongBits(message.cluster_id.low >>> 0, message.cluster_id.high >>> 0).toNumber(true) : message.cluster_id;
            if (message.member_id != null && Object.hasOwnProperty.call(message, "member_id"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.member_id = typeof message.member_id === "number" ? BigInt(message.member_id) : $util.Long.fromBits(message.member_id.low >>> 0, message.member_id.high >>> 0, true).toBigInt();
                else if (typeof message.member_id === "number")
                    object.member_id = options.longs === String ? String(message.member_id) : message.member_id;
                else
                    object.member_id = options.longs === String ? $util.Long.prototype.toString.call(message.member_id) : options.longs === Number ? new $util.LongBits(message.member_id.low >>> 0, message.member_id.high >>> 0).toNumber(true) : message.member_id;
            if (message.revision != null && Object.hasOwnProperty.call(message, "revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.revision = typeof message.revision === "number" ? BigInt(message.revision) : $util.Long.fromBits(message.revision.low >>> 0, message.revision.high >>> 0, false).toBigInt();
                else if (typeof message.revision === "number")
                    object.revision = options.longs === String ? String(message.revision) : message.revision;
                else
                    object.revision = options.longs === String ? $util.Long.prototype.toString.call(message.revision) : options.longs === Number ? new $util.LongBits(message.revision.low >>> 0, message.revision.high >>> 0).toNumber() : message.revision;
            if (message.raft_term != null && Object.hasOwnProperty.call(message, "raft_term"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.raft_term = typeof message.raft_term === "number" ? BigInt(message.raft_term) : $util.Long.fromBits(message.raft_term.low >>> 0, message.raft_term.high >>> 0, true).toBigInt();
                else if (typeof message.raft_term === "number")
                    object.raft_term = options.longs === String ? String(message.raft_term) : message.raft_term;
                else
                    object.raft_term = options.longs === String ? $util.Long.prototype.toString.call(message.raft_term) : options.longs === Number ? new $util.LongBits(message.raft_term.low >>> 0, message.raft_term.high >>> 0).toNumber(true) : message.raft_term;
            return object;
        };

        ResponseHeader.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return ResponseHeader;
    })();

    etcdserverpb.RangeRequest = (function() {

        function RangeRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        RangeRequest.prototype.key = $util.newBuffer([]);
        RangeRequest.prototype.range_end = $util.newBuffer([]);
        RangeRequest.prototype.limit = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        RangeRequest.prototype.revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        RangeRequest.prototype.sort_order = 0;
        RangeRequest.prototype.sort_target = 0;
        RangeRequest.prototype.serializable = false;
        RangeRequest.prototype.keys_only = false;
        RangeRequest.prototype.count_only = false;
        RangeRequest.prototype.min_mod_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        RangeRequest.prototype.max_mod_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        RangeRequest.prototype.min_create_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        RangeRequest.prototype.max_create_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        RangeRequest.create = function create(properties) {
            return new RangeRequest(properties);
        };

        RangeRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                writer.uint32(10).bytes(message.key);
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                writer.uint32(18).bytes(message.range_end);
            if (message.limit != null && Object.hasOwnProperty.call(message, "limit"))
                writer.uint32(24).int64(message.limit);
            if (message.revision != null && Object.hasOwnProperty.call(message, "revision"))
                writer.uint32(32).int64(message.revision);
            if (message.sort_order != null && Object.hasOwnProperty.call(message, "sort_order"))
                writer.uint32(40).int32(message.sort_order);
            if (message.sort_target != null && Object.hasOwnProperty.call(message, "sort_target"))
                writer.uint32(48).int32(message.sort_target);
            if (message.serializable != null && Object.hasOwnProperty.call(message, "serializable"))
                writer.uint32(56).bool(message.serializable);
            if (message.keys_only != null && Object.hasOwnProperty.call(message, "keys_only"))
                writer.uint32(64).bool(message.keys_only);
            if (message.count_only != null && Object.hasOwnProperty.call(message, "count_only"))
                writer.uint32(72).bool(message.count_only);
            if (message.min_mod_revision != null && Object.hasOwnProperty.call(message, "min_mod_revision"))
                writer.uint32(80).int64(message.min_mod_revision);
            if (message.max_mod_revision != null && Object.hasOwnProperty.call(message, "max_mod_revision"))
                writer.uint32(88).int64(message.max_mod_revision);
            if (message.min_create_revision != null && Object.hasOwnProperty.call(message, "min_create_revision"))
                writer.uint32(96).int64(message.min_create_revision);
            if (message.max_create_revision != null && Object.hasOwnProperty.call(message, "max_create_revision"))
                writer.uint32(104).int64(message.max_create_revision);
            return writer;
        };

        RangeRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.RangeRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.key = reader.bytes();
                        break;
                    }
                case 2: {
                        message.range_end = reader.bytes();
                        break;
                    }
                case 3: {
                        message.limit = reader.int64();
                        break;
                    }
                case 4: {
                        message.revision = reader.int64();
                        break;
                    }
                case 5: {
                        message.sort_order = reader.int32();
                        break;
                    }
                case 6: {
                        message.sort_target = reader.int32();
                        break;
                    }
                case 7: {
                        message.serializable = reader.bool();
                        break;
                    }
                case 8: {
                        message.keys_only = reader.bool();
                        break;
                    }
                case 9: {
                        message.count_only = reader.bool();
                        break;
                    }
                case 10: {
                        message.min_mod_revision = reader.int64();
                        break;
                    }
                case 11: {
                        message.max_mod_revision = reader.int64();
                        break;
                    }
                case 12: {
                        message.min_create_revision = reader.int64();
                        break;
                    }
                case 13: {
                        message.max_create_revision = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        RangeRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.RangeRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.RangeRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.RangeRequest();
            if (object.key != null)
                if (typeof object.key === "string")
                    $util.base64.decode(object.key, message.key = $util.newBuffer($util.base64.length(object.key)), 0);
                else if (object.key.length >= 0)
                    message.key = object.key;
            if (object.range_end != null)
                if (typeof object.range_end === "string")
                    $util.base64.decode(object.range_end, message.range_end = $util.newBuffer($util.base64.length(object.range_end)), 0);
                else if (object.range_end.length >= 0)
                    message.range_end = object.range_end;
            if (object.limit != null)
                if ($util.Long)
                    message.limit = $util.Long.fromValue(object.limit, false);
                else if (typeof object.limit === "string")
                    message.limit = parseInt(object.limit, 10);
                else if (typeof object.limit === "number")
                    message.limit = object.limit;
                else if (typeof object.limit === "object")
                    message.limit = new $util.LongBits(object.limit.low >>> 0, object.limit.high >>> 0).toNumber();
            if (object.revision != null)
                if ($util.Long)
                    message.revision = $util.Long.fromValue(object.revision, false);
                else if (typeof object.revision === "string")
                    message.revision = parseInt(object.revision, 10);
                else if (typeof object.revision === "number")
                    message.revision = object.revision;
                else if (typeof object.revision === "object")
                    message.revision = new $util.LongBits(object.revision.low >>> 0, object.revision.high >>> 0).toNumber();
            switch (object.sort_order) {
            default:
                if (typeof object.sort_order === "number") {
                    message.sort_order = object.sort_order;
                    break;
                }
                break;
            case "NONE":
            case 0:
                message.sort_order = 0;
                break;
            case "ASCEND":
            case 1:
                message.sort_order = 1;
                break;
            case "DESCEND":
            case 2:
                message.sort_order = 2;
                break;
            }
            switch (object.sort_target) {
            default:
                if (typeof object.sort_target === "number") {
                    message.sort_target = object.sort_target;
                    break;
                }
                break;
            case "KEY":
            case 0:
                message.sort_target = 0;
                break;
            case "VERSION":
            case 1:
                message.sort_target = 1;
                break;
            case "CREATE":
            case 2:
                message.sort_target = 2;
                break;
            case "MOD":
            case 3:
                message.sort_target = 3;
                break;
            case "VALUE":
            case 4:
                message.sort_target = 4;
                break;
            }
            if (object.serializable != null)
                message.serializable = Boolean(object.serializable);
            if (object.keys_only != null)
                message.keys_only = Boolean(object.keys_only);
            if (object.count_only != null)
                message.count_only = Boolean(object.count_only);
            if (object.min_mod_revision != null)
                if ($util.Long)
                    message.min_mod_revision = $util.Long.fromValue(object.min_mod_revision, false);
                else if (typeof object.min_mod_revision === "string")
                    message.min_mod_revision = parseInt(object.min_mod_revision, 10);
                else if (typeof object.min_mod_revision === "number")
                    message.min_mod_revision = object.min_mod_revision;
                else if (typeof object.min_mod_revision === "object")
                    message.min_mod_revision = new $util.LongBits(object.min_mod_revision.low >>> 0, object.min_mod_revision.high >>> 0).toNumber();
            if (object.max_mod_revision != null)
                if ($util.Long)
                    message.max_mod_revision = $util.Long.fromValue(object.max_mod_revision, false);
                else if (typeof object.max_mod_revision === "string")
                    message.max_mod_revision = parseInt(object.max_mod_revision, 10);
                else if (typeof object.max_mod_revision === "number")
                    message.max_mod_revision = object.max_mod_revision;
                else if (typeof object.max_mod_revision === "object")
                    message.max_mod_revision = new $util.LongBits(object.max_mod_revision.low >>> 0, object.max_mod_revision.high >>> 0).toNumber();
            if (object.min_create_revision != null)
                if ($util.Long)
                    message.min_create_revision = $util.Long.fromValue(object.min_create_revision, false);
                else if (typeof object.min_create_revision === "string")
                    message.min_create_revision = parseInt(object.min_create_revision, 10);
                else if (typeof object.min_create_revision === "number")
                    message.min_create_revision = object.min_create_revision;
                else if (typeof object.min_create_revision === "object")
                    message.min_create_revision = new $util.LongBits(object.min_create_revision.low >>> 0, object.min_create_revision.high >>> 0).toNumber();
            if (object.max_create_revision != null)
                if ($util.Long)
                    message.max_create_revision = $util.Long.fromValue(object.max_create_revision, false);
                else if (typeof object.max_create_revision === "string")
                    message.max_create_revision = parseInt(object.max_create_revision, 10);
                else if (typeof object.max_create_revision === "number")
                    message.max_create_revision = object.max_create_revision;
                else if (typeof object.max_create_revision === "object")
                    message.max_create_revision = new $util.LongBits(object.max_create_revision.low >>> 0, object.max_create_revision.high >>> 0).toNumber();
            return message;
        };

        RangeRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if (options.bytes === String)
                    object.key = "";
                else {
                    object.key = [];
                    if (options.bytes !== Array)
                        object.key = $util.newBuffer(object.key);
                }
                if (options.bytes === String)
                    object.range_end = "";
                else {
                    object.range_end = [];
                    if (options.bytes !== Array)
                        object.range_end = $util.newBuffer(object.range_end);
                }
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.limit = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.limit = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.sort_order = options.enums === String ? "NONE" : 0;
                object.sort_target = options.enums === String ? "KEY" : 0;
                object.serializable = false;
                object.keys_only = false;
                object.count_only = false;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.min_mod_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.min_mod_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.max_mod_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.max_mod_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.min_create_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.min_create_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.max_create_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.max_create_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                object.key = options.bytes === String ? $util.base64.encode(message.key, 0, message.key.length) : options.bytes === Array ? Array.prototype.slice.call(message.key) : message.key;
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                object.range_end = options.bytes === String ? $util.base64.encode(message.range_end, 0, message.range_end.length) : options.bytes === Array ? Array.prototype.slice.call(message.range_end) : message.range_end;
            if (message.limit != null && Object.hasOwnProperty.call(message, "limit"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.limit = typeof message.limit === "number" ? BigInt(message.limit) : $util.Long.fromBits(message.limit.low >>> 0, message.limit.high >>> 0, false).toBigInt();
                else if (typeof message.limit === "number")
                    object.limit = options.longs === String ? String(message.limit) : message.limit;
                else
                    object.limit = options.longs === String ? $util.Long.prototype.toString.call(message.limit) : options.longs === Number ? new $util.LongBits(message.limit.low >>> 0, message.limit.high >>> 0).toNumber() : message.limit;
            if (message.revision != null && Object.hasOwnProperty.call(message, "revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.revision = typeof message.revision === "number" ? BigInt(message.revision) : $util.Long.fromBits(message.revision.low >>> 0, message.revision.high >>> 0, false).toBigInt();
                else if (typeof message.revision === "number")
                    object.revision = options.longs === String ? String(message.revision) : message.revision;
                else
                    object.revision = options.longs === String ? $util.Long.prototype.toString.call(message.revision) : options.longs === Number ? new $util.LongBits(message.revision.low >>> 0, message.revision.high >>> 0).toNumber() : message.revision;
            if (message.sort_order != null && Object.hasOwnProperty.call(message, "sort_order"))
                object.sort_order = options.enums === String ? $root.etcdserverpb.RangeRequest.SortOrder[message.sort_order] === undefined ? message.sort_order : $root.etcdserverpb.RangeRequest.SortOrder[message.sort_order] : message.sort_order;
            if (message.sort_target != null && Object.hasOwnProperty.call(message, "sort_target"))
                object.sort_target = options.enums === String ? $root.etcdserverpb.RangeRequest.SortTarget[message.sort_target] === undefined ? message.sort_target : $root.etcdserverpb.RangeRequest.SortTarget[message.sort_target] : message.sort_target;
            if (message.serializable != null && Object.hasOwnProperty.call(message, "serializable"))
                object.serializable = message.serializable;
            if (message.keys_only != null && Object.hasOwnProperty.call(message, "keys_only"))
                object.keys_only = message.keys_only;
            if (message.count_only != null && Object.hasOwnProperty.call(message, "count_only"))
                object.count_only = message.count_only;
            if (message.min_mod_revision != null && Object.hasOwnProperty.call(message, "min_mod_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.min_mod_revision = typeof message.min_mod_revision === "number" ? BigInt(message.min_mod_revision) : $util.Long.fromBits(message.min_mod_revision.low >>> 0, message.min_mod_revision.high >>> 0, false).toBigInt();
                else if (typeof message.min_mod_revision === "number")
                    object.min_mod_revision = options.longs === String ? String(message.min_mod_revision) : message.min_mod_revision;
                else
                    object.min_mod_revision = options.longs === String ? $util.Long.prototype.toString.call(message.min_mod_revision) : options.longs === Number ? new $util.LongBits(message.min_mod_revision.low >>> 0, message.min_mod_revision.high >>> 0).toNumber() : message.min_mod_revision;
            if (message.max_mod_revision != null && Object.hasOwnProperty.call(message, "max_mod_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.max_mod_revision = typeof message.max_mod_revision === "number" ? BigInt(message.max_mod_revision) : $util.Long.fromBits(message.max_mod_revision.low >>> 0, message.max_mod_revision.high >>> 0, false).toBigInt();
                else if (typeof message.max_mod_revision === "number")
                    object.max_mod_revision = options.longs === String ? String(message.max_mod_revision) : message.max_mod_revision;
                else
                    object.max_mod_revision = options.longs === String ? $util.Long.prototype.toString.call(message.max_mod_revision) : options.longs === Number ? new $util.LongBits(message.max_mod_revision.low >>> 0, message.max_mod_revision.high >>> 0).toNumber() : message.max_mod_revision;
            if (message.min_create_revision != null && Object.hasOwnProperty.call(message, "min_create_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.min_create_revision = typeof message.min_create_revision === "number" ? BigInt(message.min_create_revision) : $util.Long.fromBits(message.min_create_revision.low >>> 0, message.min_create_revision.high >>> 0, false).toBigInt();
                else if (typeof message.min_create_revision === "number")
                    object.min_create_revision = options.longs === String ? String(message.min_create_revision) : message.min_create_revision;
                else
                    object.min_create_revision = options.longs === String ? $util.Long.prototype.toString.call(message.min_create_revision) : options.longs === Number ? new $util.LongBits(message.min_create_revision.low >>> 0, message.min_create_revision.high >>> 0).toNumber() : message.min_create_revision;
            if (message.max_create_revision != null && Object.hasOwnProperty.call(message, "max_create_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.max_create_revision = typeof message.max_create_revision === "number" ? BigInt(message.max_create_revision) : $util.Long.fromBits(message.max_create_revision.low >>> 0, message.max_create_revision.high >>> 0, false).toBigInt();
                else if (typeof message.max_create_revision === "number")
                    object.max_create_revision = options.longs === String ? String(message.max_create_revision) : message.max_create_revision;
                else
                    object.max_create_revision = options.longs === String ? $util.Long.prototype.toString.call(message.max_create_revision) : options.longs === Number ? new $util.LongBits(message.max_create_revision.low >>> 0, message.max_create_revision.high >>> 0).toNumber() : message.max_create_revision;
            return object;
        };

        RangeRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        RangeRequest.SortOrder = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "NONE"] = 0;
            values[valuesById[1] = "ASCEND"] = 1;
            values[valuesById[2] = "DESCEND"] = 2;
            return values;
        })();

        RangeRequest.SortTarget = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "KEY"] = 0;
            values[valuesById[1] = "VERSION"] = 1;
            values[valuesById[2] = "CREATE"] = 2;
            values[valuesById[3] = "MOD"] = 3;
            values[valuesById[4] = "VALUE"] = 4;
            return values;
        })();

        return RangeRequest;
    })();

    etcdserverpb.RangeResponse = (function() {

        function RangeResponse(properties) {
            this.kvs = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        RangeResponse.prototype.header = null;
        RangeResponse.prototype.kvs = $util.emptyArray;
        RangeResponse.prototype.more = false;
        RangeResponse.prototype.count = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        RangeResponse.create = function create(properties) {
            return new RangeResponse(properties);
        };

        RangeResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.kvs != null && message.kvs.length)
                for (var i = 0; i < message.kvs.length; ++i)
                    $root.mvccpb.KeyValue.encode(message.kvs[i], writer.uint32(18).fork(), q + 1).ldelim();
            if (message.more != null && Object.hasOwnProperty.call(message, "more"))
                writer.uint32(24).bool(message.more);
            if (message.count != null && Object.hasOwnProperty.call(message, "count"))
                writer.uint32(32).int64(message.count);
            return writer;
        };

        RangeResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.RangeResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        if (!(message.kvs && message.kvs.length))
                            message.kvs = [];
                        message.kvs.push($root.mvccpb.KeyValue.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                case 3: {
                        message.more = reader.bool();
                        break;
                    }
                case 4: {
                        message.count = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        RangeResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.RangeResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.RangeResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.RangeResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.RangeResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.kvs) {
                if (!Array.isArray(object.kvs))
                    throw TypeError(".etcdserverpb.RangeResponse.kvs: array expected");
                message.kvs = [];
                for (var i = 0; i < object.kvs.length; ++i) {
                    if (!$util.isObject(object.kvs[i]))
                        throw TypeError(".etcdserverpb.RangeResponse.kvs: object expected");
                    message.kvs[i] = $root.mvccpb.KeyValue.fromObject(object.kvs[i], long + 1);
                }
            }
            if (object.more != null)
                message.more = Boolean(object.more);
            if (object.count != null)
                if ($util.Long)
                    message.count = $util.Long.fromValue(object.count, false);
                else if (typeof object.count === "string")
                    message.count = parseInt(object.count, 10);
                else if (typeof object.count === "number")
                    message.count = object.count;
                else if (typeof object.count === "object")
                    message.count = new $util.LongBits(object.count.low >>> 0, object.count.high >>> 0).toNumber();
            return message;
        };

        RangeResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.kvs = [];
            if (options.defaults) {
                object.header = null;
                object.more = false;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.count = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.count = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.kvs && message.kvs.length) {
                object.kvs = [];
                for (var j = 0; j < message.kvs.length; ++j)
                    object.kvs[j] = $root.mvccpb.KeyValue.toObject(message.kvs[j], options, q + 1);
            }
            if (message.more != null && Object.hasOwnProperty.call(message, "more"))
                object.more = message.more;
            if (message.count != null && Object.hasOwnProperty.call(message, "count"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.count = typeof message.count === "number" ? BigInt(message.count) : $util.Long.fromBits(message.count.low >>> 0, message.count.high >>> 0, false).toBigInt();
                else if (typeof message.count === "number")
                    object.count = options.longs === String ? String(message.count) : message.count;
                else
                    object.count = options.longs === String ? $util.Long.prototype.toString.call(message.count) : options.longs === Number ? new $util.LongBits(message.count.low >>> 0, message.count.high >>> 0).toNumber() : message.count;
            return object;
        };

        RangeResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return RangeResponse;
    })();

    etcdserverpb.PutRequest = (function() {

        function PutRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        PutRequest.prototype.key = $util.newBuffer([]);
        PutRequest.prototype.value = $util.newBuffer([]);
        PutRequest.prototype.lease = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        PutRequest.prototype.prev_kv = false;
        PutRequest.prototype.ignore_value = false;
        PutRequest.prototype.ignore_lease = false;

        PutRequest.create = function create(properties) {
            return new PutRequest(properties);
        };

        PutRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                writer.uint32(10).bytes(message.key);
            if (message.value != null && Object.hasOwnProperty.call(message, "value"))
                writer.uint32(18).bytes(message.value);
            if (message.lease != null && Object.hasOwnProperty.call(message, "lease"))
                writer.uint32(24).int64(message.lease);
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                writer.uint32(32).bool(message.prev_kv);
            if (message.ignore_value != null && Object.hasOwnProperty.call(message, "ignore_value"))
                writer.uint32(40).bool(message.ignore_value);
            if (message.ignore_lease != null && Object.hasOwnProperty.call(message, "ignore_lease"))
                writer.uint32(48).bool(message.ignore_lease);
            return writer;
        };

        PutRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.PutRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.key = reader.bytes();
                        break;
                    }
                case 2: {
                        message.value = reader.bytes();
                        break;
                    }
                case 3: {
                        message.lease = reader.int64();
                        break;
                    }
                case 4: {
                        message.prev_kv = reader.bool();
                        break;
                    }
                case 5: {
                        message.ignore_value = reader.bool();
                        break;
                    }
                case 6: {
                        message.ignore_lease = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        PutRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.PutRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.PutRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.PutRequest();
            if (object.key != null)
                if (typeof object.key === "string")
                    $util.base64.decode(object.key, message.key = $util.newBuffer($util.base64.length(object.key)), 0);
                else if (object.key.length >= 0)
                    message.key = object.key;
            if (object.value != null)
                if (typeof object.value === "string")
                    $util.base64.decode(object.value, message.value = $util.newBuffer($util.base64.length(object.value)), 0);
                else if (object.value.length >= 0)
                    message.value = object.value;
            if (object.lease != null)
                if ($util.Long)
                    message.lease = $util.Long.fromValue(object.lease, false);
                else if (typeof object.lease === "string")
                    message.lease = parseInt(object.lease, 10);
                else if (typeof object.lease === "number")
                    message.lease = object.lease;
                else if (typeof object.lease === "object")
                    message.lease = new $util.LongBits(object.lease.low >>> 0, object.lease.high >>> 0).toNumber();
            if (object.prev_kv != null)
                message.prev_kv = Boolean(object.prev_kv);
            if (object.ignore_value != null)
                message.ignore_value = Boolean(object.ignore_value);
            if (object.ignore_lease != null)
                message.ignore_lease = Boolean(object.ignore_lease);
            return message;
        };

        PutRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if (options.bytes === String)
                    object.key = "";
                else {
                    object.key = [];
                    if (options.bytes !== Array)
                        object.key = $util.newBuffer(object.key);
                }
                if (options.bytes === String)
                    object.value = "";
                else {
                    object.value = [];
                    if (options.bytes !== Array)
                        object.value = $util.newBuffer(object.value);
                }
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.lease = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.lease = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.prev_kv = false;
                object.ignore_value = false;
                object.ignore_lease = false;
            }
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                object.key = options.bytes === String ? $util.base64.encode(message.key, 0, message.key.length) : options.bytes === Array ? Array.prototype.slice.call(message.key) : message.key;
            if (message.value != null && Object.hasOwnProperty.call(message, "value"))
                object.value = options.bytes === String ? $util.base64.encode(message.value, 0, message.value.length) : options.bytes === Array ? Array.prototype.slice.call(message.value) : message.value;
            if (message.lease != null && Object.hasOwnProperty.call(message, "lease"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.lease = typeof message.lease === "number" ? BigInt(message.lease) : $util.Long.fromBits(message.lease.low >>> 0, message.lease.high >>> 0, false).toBigInt();
                else if (typeof message.lease === "number")
                    object.lease = options.longs === String ? String(message.lease) : message.lease;
                else
                    object.lease = options.longs === String ? $util.Long.prototype.toString.call(message.lease) : options.longs === Number ? new $util.LongBits(message.lease.low >>> 0, message.lease.high >>> 0).toNumber() : message.lease;
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                object.prev_kv = message.prev_kv;
            if (message.ignore_value != null && Object.hasOwnProperty.call(message, "ignore_value"))
                object.ignore_value = message.ignore_value;
            if (message.ignore_lease != null && Object.hasOwnProperty.call(message, "ignore_lease"))
                object.ignore_lease = message.ignore_lease;
            return object;
        };

        PutRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return PutRequest;
    })();

    etcdserverpb.PutResponse = (function() {

        function PutResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        PutResponse.prototype.header = null;
        PutResponse.prototype.prev_kv = null;

        PutResponse.create = function create(properties) {
            return new PutResponse(properties);
        };

        PutResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                $root.mvccpb.KeyValue.encode(message.prev_kv, writer.uint32(18).fork(), q + 1).ldelim();
            return writer;
        };

        PutResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.PutResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.prev_kv = $root.mvccpb.KeyValue.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        PutResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.PutResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.PutResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.PutResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.PutResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.prev_kv != null) {
                if (!$util.isObject(object.prev_kv))
                    throw TypeError(".etcdserverpb.PutResponse.prev_kv: object expected");
                message.prev_kv = $root.mvccpb.KeyValue.fromObject(object.prev_kv, long + 1);
            }
            return message;
        };

        PutResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.header = null;
                object.prev_kv = null;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                object.prev_kv = $root.mvccpb.KeyValue.toObject(message.prev_kv, options, q + 1);
            return object;
        };

        PutResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return PutResponse;
    })();

    etcdserverpb.DeleteRangeRequest = (function() {

        function DeleteRangeRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        DeleteRangeRequest.prototype.key = $util.newBuffer([]);
        DeleteRangeRequest.prototype.range_end = $util.newBuffer([]);
        DeleteRangeRequest.prototype.prev_kv = false;

        DeleteRangeRequest.create = function create(properties) {
            return new DeleteRangeRequest(properties);
        };

        DeleteRangeRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                writer.uint32(10).bytes(message.key);
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                writer.uint32(18).bytes(message.range_end);
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                writer.uint32(24).bool(message.prev_kv);
            return writer;
        };

        DeleteRangeRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.DeleteRangeRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.key = reader.bytes();
                        break;
                    }
                case 2: {
                        message.range_end = reader.bytes();
                        break;
                    }
                case 3: {
                        message.prev_kv = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        DeleteRangeRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.DeleteRangeRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.DeleteRangeRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.DeleteRangeRequest();
            if (object.key != null)
                if (typeof object.key === "string")
                    $util.base64.decode(object.key, message.key = $util.newBuffer($util.base64.length(object.key)), 0);
                else if (object.key.length >= 0)
                    message.key = object.key;
            if (object.range_end != null)
                if (typeof object.range_end === "string")
                    $util.base64.decode(object.range_end, message.range_end = $util.newBuffer($util.base64.length(object.range_end)), 0);
                else if (object.range_end.length >= 0)
                    message.range_end = object.range_end;
            if (object.prev_kv != null)
                message.prev_kv = Boolean(object.prev_kv);
            return message;
        };

        DeleteRangeRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if (options.bytes === String)
                    object.key = "";
                else {
                    object.key = [];
                    if (options.bytes !== Array)
                        object.key = $util.newBuffer(object.key);
                }
                if (options.bytes === String)
                    object.range_end = "";
                else {
                    object.range_end = [];
                    if (options.bytes !== Array)
                        object.range_end = $util.newBuffer(object.range_end);
                }
                object.prev_kv = false;
            }
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                object.key = options.bytes === String ? $util.base64.encode(message.key, 0, message.key.length) : options.bytes === Array ? Array.prototype.slice.call(message.key) : message.key;
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                object.range_end = options.bytes === String ? $util.base64.encode(message.range_end, 0, message.range_end.length) : options.bytes === Array ? Array.prototype.slice.call(message.range_end) : message.range_end;
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                object.prev_kv = message.prev_kv;
            return object;
        };

        DeleteRangeRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return DeleteRangeRequest;
    })();

    etcdserverpb.DeleteRangeResponse = (function() {

        function DeleteRangeResponse(properties) {
            this.prev_kvs = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        DeleteRangeResponse.prototype.header = null;
        DeleteRangeResponse.prototype.deleted = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        DeleteRangeResponse.prototype.prev_kvs = $util.emptyArray;

        DeleteRangeResponse.create = function create(properties) {
            return new DeleteRangeResponse(properties);
        };

        DeleteRangeResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.deleted != null && Object.hasOwnProperty.call(message, "deleted"))
                writer.uint32(16).int64(message.deleted);
            if (message.prev_kvs != null && message.prev_kvs.length)
                for (var i = 0; i < message.prev_kvs.length; ++i)
                    $root.mvccpb.KeyValue.encode(message.prev_kvs[i], writer.uint32(26).fork(), q + 1).ldelim();
            return writer;
        };

        DeleteRangeResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.DeleteRangeResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.deleted = reader.int64();
                        break;
                    }
                case 3: {
                        if (!(message.prev_kvs && message.prev_kvs.length))
                            message.prev_kvs = [];
                        message.prev_kvs.push($root.mvccpb.KeyValue.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        DeleteRangeResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.DeleteRangeResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.DeleteRangeResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.DeleteRangeResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.DeleteRangeResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.deleted != null)
                if ($util.Long)
                    message.deleted = $util.Long.fromValue(object.deleted, false);
                else if (typeof object.deleted === "string")
                    message.deleted = parseInt(object.deleted, 10);
                else if (typeof object.deleted === "number")
                    message.deleted = object.deleted;
                else if (typeof object.deleted === "object")
                    message.deleted = new $util.LongBits(object.deleted.low >>> 0, object.deleted.high >>> 0).toNumber();
            if (object.prev_kvs) {
                if (!Array.isArray(object.prev_kvs))
                    throw TypeError(".etcdserverpb.DeleteRangeResponse.prev_kvs: array expected");
                message.prev_kvs = [];
                for (var i = 0; i < object.prev_kvs.length; ++i) {
                    if (!$util.isObject(object.prev_kvs[i]))
                        throw TypeError(".etcdserverpb.DeleteRangeResponse.prev_kvs: object expected");
                    message.prev_kvs[i] = $root.mvccpb.KeyValue.fromObject(object.prev_kvs[i], long + 1);
                }
            }
            return message;
        };

        DeleteRangeResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.prev_kvs = [];
            if (options.defaults) {
                object.header = null;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.deleted = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.deleted = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.deleted != null && Object.hasOwnProperty.call(message, "deleted"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.deleted = typeof message.deleted === "number" ? BigInt(message.deleted) : $util.Long.fromBits(message.deleted.low >>> 0, message.deleted.high >>> 0, false).toBigInt();
                else if (typeof message.deleted === "number")
                    object.deleted = options.longs === String ? String(message.deleted) : message.deleted;
                else
                    object.deleted = options.longs === String ? $util.Long.prototype.toString.call(message.deleted) : options.longs === Number ? new $util.LongBits(message.deleted.low >>> 0, message.deleted.high >>> 0).toNumber() : message.deleted;
            if (message.prev_kvs && message.prev_kvs.length) {
                object.prev_kvs = [];
                for (var j = 0; j < message.prev_kvs.length; ++j)
                    object.prev_kvs[j] = $root.mvccpb.KeyValue.toObject(message.prev_kvs[j], options, q + 1);
            }
            return object;
        };

        DeleteRangeResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return DeleteRangeResponse;
    })();

    etcdserverpb.RequestOp = (function() {

        function RequestOp(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        RequestOp.prototype.request_range = null;
        RequestOp.prototype.request_put = null;
        RequestOp.prototype.request_delete_range = null;
        RequestOp.prototype.request_txn = null;

        var $oneOfFields;

        Object.defineProperty(RequestOp.prototype, "request", {
            get: $util.oneOfGetter($oneOfFields = ["request_range", "request_put", "request_delete_range", "request_txn"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        RequestOp.create = function create(properties) {
            return new RequestOp(properties);
        };

        RequestOp.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.request_range != null && Object.hasOwnProperty.call(message, "request_range"))
                $root.etcdserverpb.RangeRequest.encode(message.request_range, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.request_put != null && Object.hasOwnProperty.call(message, "request_put"))
                $root.etcdserverpb.PutRequest.encode(message.request_put, writer.uint32(18).fork(), q + 1).ldelim();
            if (message.request_delete_range != null && Object.hasOwnProperty.call(message, "request_delete_range"))
                $root.etcdserverpb.DeleteRangeRequest.encode(message.request_delete_range, writer.uint32(26).fork(), q + 1).ldelim();
            if (message.request_txn != null && Object.hasOwnProperty.call(message, "request_txn"))
                $root.etcdserverpb.TxnRequest.encode(message.request_txn, writer.uint32(34).fork(), q + 1).ldelim();
            return writer;
        };

        RequestOp.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.RequestOp();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.request_range = $root.etcdserverpb.RangeRequest.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.request_put = $root.etcdserverpb.PutRequest.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 3: {
                        message.request_delete_range = $root.etcdserverpb.DeleteRangeRequest.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 4: {
                        message.request_txn = $root.etcdserverpb.TxnRequest.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        RequestOp.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.RequestOp)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.RequestOp: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.RequestOp();
            if (object.request_range != null) {
                if (!$util.isObject(object.request_range))
                    throw TypeError(".etcdserverpb.RequestOp.request_range: object expected");
                message.request_range = $root.etcdserverpb.RangeRequest.fromObject(object.request_range, long + 1);
            }
            if (object.request_put != null) {
                if (!$util.isObject(object.request_put))
                    throw TypeError(".etcdserverpb.RequestOp.request_put: object expected");
                message.request_put = $root.etcdserverpb.PutRequest.fromObject(object.request_put, long + 1);
            }
            if (object.request_delete_range != null) {
                if (!$util.isObject(object.request_delete_range))
                    throw TypeError(".etcdserverpb.RequestOp.request_delete_range: object expected");
                message.request_delete_range = $root.etcdserverpb.DeleteRangeRequest.fromObject(object.request_delete_range, long + 1);
            }
            if (object.request_txn != null) {
                if (!$util.isObject(object.request_txn))
                    throw TypeError(".etcdserverpb.RequestOp.request_txn: object expected");
                message.request_txn = $root.etcdserverpb.TxnRequest.fromObject(object.request_txn, long + 1);
            }
            return message;
        };

        RequestOp.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (message.request_range != null && Object.hasOwnProperty.call(message, "request_range")) {
                object.request_range = $root.etcdserverpb.RangeRequest.toObject(message.request_range, options, q + 1);
                if (options.oneofs)
                    object.request = "request_range";
            }
            if (message.request_put != null && Object.hasOwnProperty.call(message, "request_put")) {
                object.request_put = $root.etcdserverpb.PutRequest.toObject(message.request_put, options, q + 1);
                if (options.oneofs)
                    object.request = "request_put";
            }
            if (message.request_delete_range != null && Object.hasOwnProperty.call(message, "request_delete_range")) {
                object.request_delete_range = $root.etcdserverpb.DeleteRangeRequest.toObject(message.request_delete_range, options, q + 1);
                if (options.oneofs)
                    object.request = "request_delete_range";
            }
            if (message.request_txn != null && Object.hasOwnProperty.call(message, "request_txn")) {
                object.request_txn = $root.etcdserverpb.TxnRequest.toObject(message.request_txn, options, q + 1);
                if (options.oneofs)
                    object.request = "request_txn";
            }
            return object;
        };

        RequestOp.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return RequestOp;
    })();

    etcdserverpb.ResponseOp = (function() {

        function ResponseOp(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        ResponseOp.prototype.response_range = null;
        ResponseOp.prototype.response_put = null;
        ResponseOp.prototype.response_delete_range = null;
        ResponseOp.prototype.response_txn = null;

        var $oneOfFields;

        Object.defineProperty(ResponseOp.prototype, "response", {
            get: $util.oneOfGetter($oneOfFields = ["response_range", "response_put", "response_delete_range", "response_txn"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        ResponseOp.create = function create(properties) {
            return new ResponseOp(properties);
        };

        ResponseOp.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.response_range != null && Object.hasOwnProperty.call(message, "response_range"))
                $root.etcdserverpb.RangeResponse.encode(message.response_range, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.response_put != null && Object.hasOwnProperty.call(message, "response_put"))
                $root.etcdserverpb.PutResponse.encode(message.response_put, writer.uint32(18).fork(), q + 1).ldelim();
            if (message.response_delete_range != null && Object.hasOwnProperty.call(message, "response_delete_range"))
                $root.etcdserverpb.DeleteRangeResponse.encode(message.response_delete_range, writer.uint32(26).fork(), q + 1).ldelim();
            if (message.response_txn != null && Object.hasOwnProperty.call(message, "response_txn"))
                $root.etcdserverpb.TxnResponse.encode(message.response_txn, writer.uint32(34).fork(), q + 1).ldelim();
            return writer;
        };

        ResponseOp.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.ResponseOp();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.response_range = $root.etcdserverpb.RangeResponse.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.response_put = $root.etcdserverpb.PutResponse.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 3: {
                        message.response_delete_range = $root.etcdserverpb.DeleteRangeResponse.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 4: {
                        message.response_txn = $root.etcdserverpb.TxnResponse.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        ResponseOp.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.ResponseOp)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.ResponseOp: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.ResponseOp();
            if (object.response_range != null) {
                if (!$util.isObject(object.response_range))
                    throw TypeError(".etcdserverpb.ResponseOp.response_range: object expected");
                message.response_range = $root.etcdserverpb.RangeResponse.fromObject(object.response_range, long + 1);
            }
            if (object.response_put != null) {
                if (!$util.isObject(object.response_put))
                    throw TypeError(".etcdserverpb.ResponseOp.response_put: object expected");
                message.response_put = $root.etcdserverpb.PutResponse.fromObject(object.response_put, long + 1);
            }
            if (object.response_delete_range != null) {
                if (!$util.isObject(object.response_delete_range))
                    throw TypeError(".etcdserverpb.ResponseOp.response_delete_range: object expected");
                message.response_delete_range = $root.etcdserverpb.DeleteRangeResponse.fromObject(object.response_delete_range, long + 1);
            }
            if (object.response_txn != null) {
                if (!$util.isObject(object.response_txn))
                    throw TypeError(".etcdserverpb.ResponseOp.response_txn: object expected");
                message.response_txn = $root.etcdserverpb.TxnResponse.fromObject(object.response_txn, long + 1);
            }
            return message;
        };

        ResponseOp.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (message.response_range != null && Object.hasOwnProperty.call(message, "response_range")) {
                object.response_range = $root.etcdserverpb.RangeResponse.toObject(message.response_range, options, q + 1);
                if (options.oneofs)
                    object.response = "response_range";
            }
            if (message.response_put != null && Object.hasOwnProperty.call(message, "response_put")) {
                object.response_put = $root.etcdserverpb.PutResponse.toObject(message.response_put, options, q + 1);
                if (options.oneofs)
                    object.response = "response_put";
            }
            if (message.response_delete_range != null && Object.hasOwnProperty.call(message, "response_delete_range")) {
                object.response_delete_range = $root.etcdserverpb.DeleteRangeResponse.toObject(message.response_delete_range, options, q + 1);
                if (options.oneofs)
                    object.response = "response_delete_range";
            }
            if (message.response_txn != null && Object.hasOwnProperty.call(message, "response_txn")) {
                object.response_txn = $root.etcdserverpb.TxnResponse.toObject(message.response_txn, options, q + 1);
                if (options.oneofs)
                    object.response = "response_txn";
            }
            return object;
        };

        ResponseOp.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return ResponseOp;
    })();

    etcdserverpb.Compare = (function() {

        function Compare(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Compare.prototype.result = 0;
        Compare.prototype.target = 0;
        Compare.prototype.key = $util.newBuffer([]);
        Compare.prototype.version = null;
        Compare.prototype.create_revision = null;
        Compare.prototype.mod_revision = null;
        Compare.prototype.value = null;
        Compare.prototype.lease = null;
        Compare.prototype.range_end = $util.newBuffer([]);

        var $oneOfFields;

        Object.defineProperty(Compare.prototype, "target_union", {
            get: $util.oneOfGetter($oneOfFields = ["version", "create_revision", "mod_revision", "value", "lease"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        Compare.create = function create(properties) {
            return new Compare(properties);
        };

        Compare.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.result != null && Object.hasOwnProperty.call(message, "result"))
                writer.uint32(8).int32(message.result);
            if (message.target != null && Object.hasOwnProperty.call(message, "target"))
                writer.uint32(16).int32(message.target);
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                writer.uint32(26).bytes(message.key);
            if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                writer.uint32(32).int64(message.version);
            if (message.create_revision != null && Object.hasOwnProperty.call(message, "create_revision"))
                writer.uint32(40).int64(message.create_revision);
            if (message.mod_revision != null && Object.hasOwnProperty.call(message, "mod_revision"))
                writer.uint32(48).int64(message.mod_revision);
            if (message.value != null && Object.hasOwnProperty.call(message, "value"))
                writer.uint32(58).bytes(message.value);
            if (message.lease != null && Object.hasOwnProperty.call(message, "lease"))
                writer.uint32(64).int64(message.lease);
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                writer.uint32(514).bytes(message.range_end);
            return writer;
        };

        Compare.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.Compare();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.result = reader.int32();
                        break;
                    }
                case 2: {
                        message.target = reader.int32();
                        break;
                    }
                case 3: {
                        message.key = reader.bytes();
                        break;
                    }
                case 4: {
                        message.version = reader.int64();
                        break;
                    }
                case 5: {
                        message.create_revision = reader.int64();
                        break;
                    }
                case 6: {
                        message.mod_revision = reader.int64();
                        break;
                    }
                case 7: {
                        message.value = reader.bytes();
                        break;
                    }
                case 8: {
                        message.lease = reader.int64();
                        break;
                    }
                case 64: {
                        message.range_end = reader.bytes();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Compare.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.Compare)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.Compare: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.Compare();
            switch (object.result) {
            default:
                if (typeof object.result === "number") {
                    message.result = object.result;
                    break;
                }
                break;
            case "EQUAL":
            case 0:
                message.result = 0;
                break;
            case "GREATER":
            case 1:
                message.result = 1;
                break;
            case "LESS":
            case 2:
                message.result = 2;
                break;
            case "NOT_EQUAL":
            case 3:
                message.result = 3;
                break;
            }
            switch (object.target) {
            default:
                if (typeof object.target === "number") {
                    message.target = object.target;
                    break;
                }
                break;
            case "VERSION":
            case 0:
                message.target = 0;
                break;
            case "CREATE":
            case 1:
                message.target = 1;
                break;
            case "MOD":
            case 2:
                message.target = 2;
                break;
            case "VALUE":
            case 3:
                message.target = 3;
                break;
            case "LEASE":
            case 4:
                message.target = 4;
                break;
            }
            if (object.key != null)
                if (typeof object.key === "string")
                    $util.base64.decode(object.key, message.key = $util.newBuffer($util.base64.length(object.key)), 0);
                else if (object.key.length >= 0)
                    message.key = object.key;
            if (object.version != null)
                if ($util.Long)
                    message.version = $util.Long.fromValue(object.version, false);
                else if (typeof object.version === "string")
                    message.version = parseInt(object.version, 10);
                else if (typeof object.version === "number")
                    message.version = object.version;
                else if (typeof object.version === "object")
                    message.version = new $util.LongBits(object.version.low >>> 0, object.version.high >>> 0).toNumber();
            if (object.create_revision != null)
                if ($util.Long)
                    message.create_revision = $util.Long.fromValue(object.create_revision, false);
                else if (typeof object.create_revision === "string")
                    message.create_revision = parseInt(object.create_revision, 10);
                else if (typeof object.create_revision === "number")
                    message.create_revision = object.create_revision;
                else if (typeof object.create_revision === "object")
                    message.create_revision = new $util.LongBits(object.create_revision.low >>> 0, object.create_revision.high >>> 0).toNumber();
            if (object.mod_revision != null)
                if ($util.Long)
                    message.mod_revision = $util.Long.fromValue(object.mod_revision, false);
                else if (typeof object.mod_revision === "string")
                    message.mod_revision = parseInt(object.mod_revision, 10);
                else if (typeof object.mod_revision === "number")
                    message.mod_revision = object.mod_revision;
                else if (typeof object.mod_revision === "object")
                    message.mod_revision = new $util.LongBits(object.mod_revision.low >>> 0, object.mod_revision.high >>> 0).toNumber();
            if (object.value != null)
                if (typeof object.value === "string")
                    $util.base64.decode(object.value, message.value = $util.newBuffer($util.base64.length(object.value)), 0);
                else if (object.value.length >= 0)
                    message.value = object.value;
            if (object.lease != null)
                if ($util.Long)
                    message.lease = $util.Long.fromValue(object.lease, false);
                else if (typeof object.lease === "string")
                    message.lease = parseInt(object.lease, 10);
                else if (typeof object.lease === "number")
                    message.lease = object.lease;
                else if (typeof object.lease === "object")
                    message.lease = new $util.LongBits(object.lease.low >>> 0, object.lease.high >>> 0).toNumber();
            if (object.range_end != null)
                if (typeof object.range_end === "string")
                    $util.base64.decode(object.range_end, message.range_end = $util.newBuffer($util.base64.length(object.range_end)), 0);
                else if (object.range_end.length >= 0)
                    message.range_end = object.range_end;
            return message;
        };

        Compare.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.result = options.enums === String ? "EQUAL" : 0;
                object.target = options.enums === String ? "VERSION" : 0;
                if (options.bytes === String)
                    object.key = "";
                else {
                    object.key = [];
                    if (options.bytes !== Array)
                        object.key = $util.newBuffer(object.key);
                }
                if (options.bytes === String)
                    object.range_end = "";
                else {
                    object.range_end = [];
                    if (options.bytes !== Array)
                        object.range_end = $util.newBuffer(object.range_end);
                }
            }
            if (message.result != null && Object.hasOwnProperty.call(message, "result"))
                object.result = options.enums === String ? $root.etcdserverpb.Compare.CompareResult[message.result] === undefined ? message.result : $root.etcdserverpb.Compare.CompareResult[message.result] : message.result;
            if (message.target != null && Object.hasOwnProperty.call(message, "target"))
                object.target = options.enums === String ? $root.etcdserverpb.Compare.CompareTarget[message.target] === undefined ? message.target : $root.etcdserverpb.Compare.CompareTarget[message.target] : message.target;
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                object.key = options.bytes === String ? $util.base64.encode(message.key, 0, message.key.length) : options.bytes === Array ? Array.prototype.slice.call(message.key) : message.key;
            if (message.version != null && Object.hasOwnProperty.call(message, "version")) {
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.version = typeof message.version === "number" ? BigInt(message.version) : $util.Long.fromBits(message.version.low >>> 0, message.version.high >>> 0, false).toBigInt();
                else if (typeof message.version === "number")
                    object.version = options.longs === String ? String(message.version) : message.version;
                else
                    object.version = options.longs === String ? $util.Long.prototype.toString.call(message.version) : options.longs === Number ? new $util.LongBits(message.version.low >>> 0, message.version.high >>> 0).toNumber() : message.version;
                if (options.oneofs)
                    object.target_union = "version";
            }
            if (message.create_revision != null && Object.hasOwnProperty.call(message, "create_revision")) {
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.create_revision = typeof message.create_revision === "number" ? BigInt(message.create_revision) : $util.Long.fromBits(message.create_revision.low >>> 0, message.create_revision.high >>> 0, false).toBigInt();
                else if (typeof message.create_revision === "number")
                    object.create_revision = options.longs === String ? String(message.create_revision) : message.create_revision;
                else
                    object.create_revision = options.longs === String ? $util.Long.prototype.toString.call(message.create_revision) : options.longs === Number ? new $util.LongBits(message.create_revision.low >>> 0, message.create_revision.high >>> 0).toNumber() : message.create_revision;
                if (options.oneofs)
                    object.target_union = "create_revision";
            }
            if (message.mod_revision != null && Object.hasOwnProperty.call(message, "mod_revision")) {
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.mod_revision = typeof message.mod_revision === "number" ? BigInt(message.mod_revision) : $util.Long.fromBits(message.mod_revision.low >>> 0, message.mod_revision.high >>> 0, false).toBigInt();
                else if (typeof message.mod_revision === "number")
                    object.mod_revision = options.longs === String ? String(message.mod_revision) : message.mod_revision;
                else
                    object.mod_revision = options.longs === String ? $util.Long.prototype.toString.call(message.mod_revision) : options.longs === Number ? new $util.LongBits(message.mod_revision.low >>> 0, message.mod_revision.high >>> 0).toNumber() : message.mod_revision;
                if (options.oneofs)
                    object.target_union = "mod_revision";
            }
            if (message.value != null && Object.hasOwnProperty.call(message, "value")) {
                object.value = options.bytes === String ? $util.base64.encode(message.value, 0, message.value.length) : options.bytes === Array ? Array.prototype.slice.call(message.value) : message.value;
                if (options.oneofs)
                    object.target_union = "value";
            }
            if (message.lease != null && Object.hasOwnProperty.call(message, "lease")) {
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.lease = typeof message.lease === "number" ? BigInt(message.lease) : $util.Long.fromBits(message.lease.low >>> 0, message.lease.high >>> 0, false).toBigInt();
                else if (typeof message.lease === "number")
                    object.lease = options.longs === String ? String(message.lease) : message.lease;
                else
                    object.lease = options.longs === String ? $util.Long.prototype.toString.call(message.lease) : options.longs === Number ? new $util.LongBits(message.lease.low >>> 0, message.lease.high >>> 0).toNumber() : message.lease;
                if (options.oneofs)
                    object.target_union = "lease";
            }
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                object.range_end = options.bytes === String ? $util.base64.encode(message.range_end, 0, message.range_end.length) : options.bytes === Array ? Array.prototype.slice.call(message.range_end) : message.range_end;
            return object;
        };

        Compare.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        Compare.CompareResult = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "EQUAL"] = 0;
            values[valuesById[1] = "GREATER"] = 1;
            values[valuesById[2] = "LESS"] = 2;
            values[valuesById[3] = "NOT_EQUAL"] = 3;
            return values;
        })();

        Compare.CompareTarget = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "VERSION"] = 0;
            values[valuesById[1] = "CREATE"] = 1;
            values[valuesById[2] = "MOD"] = 2;
            values[valuesById[3] = "VALUE"] = 3;
            values[valuesById[4] = "LEASE"] = 4;
            return values;
        })();

        return Compare;
    })();

    etcdserverpb.TxnRequest = (function() {

        function TxnRequest(properties) {
            this.compare = [];
            this.success = [];
            this.failure = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        TxnRequest.prototype.compare = $util.emptyArray;
        TxnRequest.prototype.success = $util.emptyArray;
        TxnRequest.prototype.failure = $util.emptyArray;

        TxnRequest.create = function create(properties) {
            return new TxnRequest(properties);
        };

        TxnRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.compare != null && message.compare.length)
                for (var i = 0; i < message.compare.length; ++i)
                    $root.etcdserverpb.Compare.encode(message.compare[i], writer.uint32(10).fork(), q + 1).ldelim();
            if (message.success != null && message.success.length)
                for (var i = 0; i < message.success.length; ++i)
                    $root.etcdserverpb.RequestOp.encode(message.success[i], writer.uint32(18).fork(), q + 1).ldelim();
            if (message.failure != null && message.failure.length)
                for (var i = 0; i < message.failure.length; ++i)
                    $root.etcdserverpb.RequestOp.encode(message.failure[i], writer.uint32(26).fork(), q + 1).ldelim();
            return writer;
        };

        TxnRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.TxnRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        if (!(message.compare && message.compare.length))
                            message.compare = [];
                        message.compare.push($root.etcdserverpb.Compare.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                case 2: {
                        if (!(message.success && message.success.length))
                            message.success = [];
                        message.success.push($root.etcdserverpb.RequestOp.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                case 3: {
                        if (!(message.failure && message.failure.length))
                            message.failure = [];
                        message.failure.push($root.etcdserverpb.RequestOp.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        TxnRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.TxnRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.TxnRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.TxnRequest();
            if (object.compare) {
                if (!Array.isArray(object.compare))
                    throw TypeError(".etcdserverpb.TxnRequest.compare: array expected");
                message.compare = [];
                for (var i = 0; i < object.compare.length; ++i) {
                    if (!$util.isObject(object.compare[i]))
                        throw TypeError(".etcdserverpb.TxnRequest.compare: object expected");
                    message.compare[i] = $root.etcdserverpb.Compare.fromObject(object.compare[i], long + 1);
                }
            }
            if (object.success) {
                if (!Array.isArray(object.success))
                    throw TypeError(".etcdserverpb.TxnRequest.success: array expected");
                message.success = [];
                for (var i = 0; i < object.success.length; ++i) {
                    if (!$util.isObject(object.success[i]))
                        throw TypeError(".etcdserverpb.TxnRequest.success: object expected");
                    message.success[i] = $root.etcdserverpb.RequestOp.fromObject(object.success[i], long + 1);
                }
            }
            if (object.failure) {
                if (!Array.isArray(object.failure))
                    throw TypeError(".etcdserverpb.TxnRequest.failure: array expected");
                message.failure = [];
                for (var i = 0; i < object.failure.length; ++i) {
                    if (!$util.isObject(object.failure[i]))
                        throw TypeError(".etcdserverpb.TxnRequest.failure: object expected");
                    message.failure[i] = $root.etcdserverpb.RequestOp.fromObject(object.failure[i], long + 1);
                }
            }
            return message;
        };

        TxnRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults) {
                object.compare = [];
                object.success = [];
                object.failure = [];
            }
            if (message.compare && message.compare.length) {
                object.compare = [];
                for (var j = 0; j < message.compare.length; ++j)
                    object.compare[j] = $root.etcdserverpb.Compare.toObject(message.compare[j], options, q + 1);
            }
            if (message.success && message.success.length) {
                object.success = [];
                for (var j = 0; j < message.success.length; ++j)
                    object.success[j] = $root.etcdserverpb.RequestOp.toObject(message.success[j], options, q + 1);
            }
            if (message.failure && message.failure.length) {
                object.failure = [];
                for (var j = 0; j < message.failure.length; ++j)
                    object.failure[j] = $root.etcdserverpb.RequestOp.toObject(message.failure[j], options, q + 1);
            }
            return object;
        };

        TxnRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return TxnRequest;
    })();

    etcdserverpb.TxnResponse = (function() {

        function TxnResponse(properties) {
            this.responses = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        TxnResponse.prototype.header = null;
        TxnResponse.prototype.succeeded = false;
        TxnResponse.prototype.responses = $util.emptyArray;

        TxnResponse.create = function create(properties) {
            return new TxnResponse(properties);
        };

        TxnResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.succeeded != null && Object.hasOwnProperty.call(message, "succeeded"))
                writer.uint32(16).bool(message.succeeded);
            if (message.responses != null && message.responses.length)
                for (var i = 0; i < message.responses.length; ++i)
                    $root.etcdserverpb.ResponseOp.encode(message.responses[i], writer.uint32(26).fork(), q + 1).ldelim();
            return writer;
        };

        TxnResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.TxnResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.succeeded = reader.bool();
                        break;
                    }
                case 3: {
                        if (!(message.responses && message.responses.length))
                            message.responses = [];
                        message.responses.push($root.etcdserverpb.ResponseOp.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        TxnResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.TxnResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.TxnResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.TxnResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.TxnResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.succeeded != null)
                message.succeeded = Boolean(object.succeeded);
            if (object.responses) {
                if (!Array.isArray(object.responses))
                    throw TypeError(".etcdserverpb.TxnResponse.responses: array expected");
                message.responses = [];
                for (var i = 0; i < object.responses.length; ++i) {
                    if (!$util.isObject(object.responses[i]))
                        throw TypeError(".etcdserverpb.TxnResponse.responses: object expected");
                    message.responses[i] = $root.etcdserverpb.ResponseOp.fromObject(object.responses[i], long + 1);
                }
            }
            return message;
        };

        TxnResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.responses = [];
            if (options.defaults) {
                object.header = null;
                object.succeeded = false;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.succeeded != null && Object.hasOwnProperty.call(message, "succeeded"))
                object.succeeded = message.succeeded;
            if (message.responses && message.responses.length) {
                object.responses = [];
                for (var j = 0; j < message.responses.length; ++j)
                    object.responses[j] = $root.etcdserverpb.ResponseOp.toObject(message.responses[j], options, q + 1);
            }
            return object;
        };

        TxnResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return TxnResponse;
    })();

    etcdserverpb.CompactionRequest = (function() {

        function CompactionRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        CompactionRequest.prototype.revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        CompactionRequest.prototype.physical = false;

        CompactionRequest.create = function create(properties) {
            return new CompactionRequest(properties);
        };

        CompactionRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.revision != null && Object.hasOwnProperty.call(message, "revision"))
                writer.uint32(8).int64(message.revision);
            if (message.physical != null && Object.hasOwnProperty.call(message, "physical"))
                writer.uint32(16).bool(message.physical);
            return writer;
        };

        CompactionRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.CompactionRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.revision = reader.int64();
                        break;
                    }
                case 2: {
                        message.physical = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        CompactionRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.CompactionRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.CompactionRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.CompactionRequest();
            if (object.revision != null)
                if ($util.Long)
                    message.revision = $util.Long.fromValue(object.revision, false);
                else if (typeof object.revision === "string")
                    message.revision = parseInt(object.revision, 10);
                else if (typeof object.revision === "number")
                    message.revision = object.revision;
                else if (typeof object.revision === "object")
                    message.revision = new $util.LongBits(object.revision.low >>> 0, object.revision.high >>> 0).toNumber();
            if (object.physical != null)
                message.physical = Boolean(object.physical);
            return message;
        };

        CompactionRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.physical = false;
            }
            if (message.revision != null && Object.hasOwnProperty.call(message, "revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.revision = typeof message.revision === "number" ? BigInt(message.revision) : $util.Long.fromBits(message.revision.low >>> 0, message.revision.high >>> 0, false).toBigInt();
                else if (typeof message.revision === "number")
                    object.revision = options.longs === String ? String(message.revision) : message.revision;
                else
                    object.revision = options.longs === String ? $util.Long.prototype.toString.call(message.revision) : options.longs === Number ? new $util.LongBits(message.revision.low >>> 0, message.revision.high >>> 0).toNumber() : message.revision;
            if (message.physical != null && Object.hasOwnProperty.call(message, "physical"))
                object.physical = message.physical;
            return object;
        };

        CompactionRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return CompactionRequest;
    })();

    etcdserverpb.CompactionResponse = (function() {

        function CompactionResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        CompactionResponse.prototype.header = null;

        CompactionResponse.create = function create(properties) {
            return new CompactionResponse(properties);
        };

        CompactionResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        CompactionResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.CompactionResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        CompactionResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.CompactionResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.CompactionResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.CompactionResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.CompactionResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        CompactionResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        CompactionResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return CompactionResponse;
    })();

    etcdserverpb.WatchRequest = (function() {

        function WatchRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        WatchRequest.prototype.create_request = null;
        WatchRequest.prototype.cancel_request = null;
        WatchRequest.prototype.progress_request = null;

        var $oneOfFields;

        Object.defineProperty(WatchRequest.prototype, "request_union", {
            get: $util.oneOfGetter($oneOfFields = ["create_request", "cancel_request", "progress_request"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        WatchRequest.create = function create(properties) {
            return new WatchRequest(properties);
        };

        WatchRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.create_request != null && Object.hasOwnProperty.call(message, "create_request"))
                $root.etcdserverpb.WatchCreateRequest.encode(message.create_request, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.cancel_request != null && Object.hasOwnProperty.call(message, "cancel_request"))
                $root.etcdserverpb.WatchCancelRequest.encode(message.cancel_request, writer.uint32(18).fork(), q + 1).ldelim();
            if (message.progress_request != null && Object.hasOwnProperty.call(message, "progress_request"))
                $root.etcdserverpb.WatchProgressRequest.encode(message.progress_request, writer.uint32(26).fork(), q + 1).ldelim();
            return writer;
        };

        WatchRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.WatchRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.create_request = $root.etcdserverpb.WatchCreateRequest.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.cancel_request = $root.etcdserverpb.WatchCancelRequest.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 3: {
                        message.progress_request = $root.etcdserverpb.WatchProgressRequest.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        WatchRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.WatchRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.WatchRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.WatchRequest();
            if (object.create_request != null) {
                if (!$util.isObject(object.create_request))
                    throw TypeError(".etcdserverpb.WatchRequest.create_request: object expected");
                message.create_request = $root.etcdserverpb.WatchCreateRequest.fromObject(object.create_request, long + 1);
            }
            if (object.cancel_request != null) {
                if (!$util.isObject(object.cancel_request))
                    throw TypeError(".etcdserverpb.WatchRequest.cancel_request: object expected");
                message.cancel_request = $root.etcdserverpb.WatchCancelRequest.fromObject(object.cancel_request, long + 1);
            }
            if (object.progress_request != null) {
                if (!$util.isObject(object.progress_request))
                    throw TypeError(".etcdserverpb.WatchRequest.progress_request: object expected");
                message.progress_request = $root.etcdserverpb.WatchProgressRequest.fromObject(object.progress_request, long + 1);
            }
            return message;
        };

        WatchRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (message.create_request != null && Object.hasOwnProperty.call(message, "create_request")) {
                object.create_request = $root.etcdserverpb.WatchCreateRequest.toObject(message.create_request, options, q + 1);
                if (options.oneofs)
                    object.request_union = "create_request";
            }
            if (message.cancel_request != null && Object.hasOwnProperty.call(message, "cancel_request")) {
                object.cancel_request = $root.etcdserverpb.WatchCancelRequest.toObject(message.cancel_request, options, q + 1);
                if (options.oneofs)
                    object.request_union = "cancel_request";
            }
            if (message.progress_request != null && Object.hasOwnProperty.call(message, "progress_request")) {
                object.progress_request = $root.etcdserverpb.WatchProgressRequest.toObject(message.progress_request, options, q + 1);
                if (options.oneofs)
                    object.request_union = "progress_request";
            }
            return object;
        };

        WatchRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return WatchRequest;
    })();

    etcdserverpb.WatchCreateRequest = (function() {

        function WatchCreateRequest(properties) {
            this.filters = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        WatchCreateRequest.prototype.key = $util.newBuffer([]);
        WatchCreateRequest.prototype.range_end = $util.newBuffer([]);
        WatchCreateRequest.prototype.start_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        WatchCreateRequest.prototype.progress_notify = false;
        WatchCreateRequest.prototype.filters = $util.emptyArray;
        WatchCreateRequest.prototype.prev_kv = false;
        WatchCreateRequest.prototype.watch_id = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        WatchCreateRequest.prototype.fragment = false;

        WatchCreateRequest.create = function create(properties) {
            return new WatchCreateRequest(properties);
        };

        WatchCreateRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                writer.uint32(10).bytes(message.key);
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                writer.uint32(18).bytes(message.range_end);
            if (message.start_revision != null && Object.hasOwnProperty.call(message, "start_revision"))
                writer.uint32(24).int64(message.start_revision);
            if (message.progress_notify != null && Object.hasOwnProperty.call(message, "progress_notify"))
                writer.uint32(32).bool(message.progress_notify);
            if (message.filters != null && message.filters.length) {
                writer.uint32(42).fork();
                for (var i = 0; i < message.filters.length; ++i)
                    writer.int32(message.filters[i]);
                writer.ldelim();
            }
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                writer.uint32(48).bool(message.prev_kv);
            if (message.watch_id != null && Object.hasOwnProperty.call(message, "watch_id"))
                writer.uint32(56).int64(message.watch_id);
            if (message.fragment != null && Object.hasOwnProperty.call(message, "fragment"))
                writer.uint32(64).bool(message.fragment);
            return writer;
        };

        WatchCreateRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.WatchCreateRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.key = reader.bytes();
                        break;
                    }
                case 2: {
                        message.range_end = reader.bytes();
                        break;
                    }
                case 3: {
                        message.start_revision = reader.int64();
                        break;
                    }
                case 4: {
                        message.progress_notify = reader.bool();
                        break;
                    }
                case 5: {
                        if (!(message.filters && message.filters.length))
                            message.filters = [];
                        if ((tag & 7) === 2) {
                            var end2 = reader.uint32() + reader.pos;
                            if (end2 > reader.len)
                                throw RangeError("index out of range");
                            reader.len = end2;
                            while (reader.pos < end2)
                                message.filters.push(reader.int32());
                            if (reader.pos !== end2)
                                throw RangeError("index out of range");
                            reader.len = end;
                        } else
                            message.filters.push(reader.int32());
                        break;
                    }
                case 6: {
                        message.prev_kv = reader.bool();
                        break;
                    }
                case 7: {
                        message.watch_id = reader.int64();
                        break;
                    }
                case 8: {
                        message.fragment = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        WatchCreateRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.WatchCreateRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.WatchCreateRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.WatchCreateRequest();
            if (object.key != null)
                if (typeof object.key === "string")
                    $util.base64.decode(object.key, message.key = $util.newBuffer($util.base64.length(object.key)), 0);
                else if (object.key.length >= 0)
                    message.key = object.key;
            if (object.range_end != null)
                if (typeof object.range_end === "string")
                    $util.base64.decode(object.range_end, message.range_end = $util.newBuffer($util.base64.length(object.range_end)), 0);
                else if (object.range_end.length >= 0)
                    message.range_end = object.range_end;
            if (object.start_revision != null)
                if ($util.Long)
                    message.start_revision = $util.Long.fromValue(object.start_revision, false);
                else if (typeof object.start_revision === "string")
                    message.start_revision = parseInt(object.start_revision, 10);
                else if (typeof object.start_revision === "number")
                    message.start_revision = object.start_revision;
                else if (typeof object.start_revision === "object")
                    message.start_revision = new $util.LongBits(object.start_revision.low >>> 0, object.start_revision.high >>> 0).toNumber();
            if (object.progress_notify != null)
                message.progress_notify = Boolean(object.progress_notify);
            if (object.filters) {
                if (!Array.isArray(object.filters))
                    throw TypeError(".etcdserverpb.WatchCreateRequest.filters: array expected");
                message.filters = [];
                for (var i = 0; i < object.filters.length; ++i)
                    switch (object.filters[i]) {
                    default:
                        if (typeof object.filters[i] === "number") {
                            message.filters[i] = object.filters[i];
                            break;
                        }
                    case "NOPUT":
                    case 0:
                        message.filters[i] = 0;
                        break;
                    case "NODELETE":
                    case 1:
                        message.filters[i] = 1;
                        break;
                    }
            }
            if (object.prev_kv != null)
                message.prev_kv = Boolean(object.prev_kv);
            if (object.watch_id != null)
                if ($util.Long)
                    message.watch_id = $util.Long.fromValue(object.watch_id, false);
                else if (typeof object.watch_id === "string")
                    message.watch_id = parseInt(object.watch_id, 10);
                else if (typeof object.watch_id === "number")
                    message.watch_id = object.watch_id;
                else if (typeof object.watch_id === "object")
                    message.watch_id = new $util.LongBits(object.watch_id.low >>> 0, object.watch_id.high >>> 0).toNumber();
            if (object.fragment != null)
                message.fragment = Boolean(object.fragment);
            return message;
        };

        WatchCreateRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.filters = [];
            if (options.defaults) {
                if (options.bytes === String)
                    object.key = "";
                else {
                    object.key = [];
                    if (options.bytes !== Array)
                        object.key = $util.newBuffer(object.key);
                }
                if (options.bytes === String)
                    object.range_end = "";
                else {
                    object.range_end = [];
                    if (options.bytes !== Array)
                        object.range_end = $util.newBuffer(object.range_end);
                }
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.start_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.start_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.progress_notify = false;
                object.prev_kv = false;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.watch_id = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.watch_id = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.fragment = false;
            }
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                object.key = options.bytes === String ? $util.base64.encode(message.key, 0, message.key.length) : options.bytes === Array ? Array.prototype.slice.call(message.key) : message.key;
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                object.range_end = options.bytes === String ? $util.base64.encode(message.range_end, 0, message.range_end.length) : options.bytes === Array ? Array.prototype.slice.call(message.range_end) : message.range_end;
            if (message.start_revision != null && Object.hasOwnProperty.call(message, "start_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.start_revision = typeof message.start_revision === "number" ? BigInt(message.start_revision) : $util.Long.fromBits(message.start_revision.low >>> 0, message.start_revision.high >>> 0, false).toBigInt();
                else if (typeof message.start_revision === "number")
                    object.start_revision = options.longs === String ? String(message.start_revision) : message.start_revision;
                else
                    object.start_revision = options.longs === String ? $util.Long.prototype.toString.call(message.start_revision) : options.longs === Number ? new $util.LongBits(message.start_revision.low >>> 0, message.start_revision.high >>> 0).toNumber() : message.start_revision;
            if (message.progress_notify != null && Object.hasOwnProperty.call(message, "progress_notify"))
                object.progress_notify = message.progress_notify;
            if (message.filters && message.filters.length) {
                object.filters = [];
                for (var j = 0; j < message.filters.length; ++j)
                    object.filters[j] = options.enums === String ? $root.etcdserverpb.WatchCreateRequest.FilterType[message.filters[j]] === undefined ? message.filters[j] : $root.etcdserverpb.WatchCreateRequest.FilterType[message.filters[j]] : message.filters[j];
            }
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                object.prev_kv = message.prev_kv;
            if (message.watch_id != null && Object.hasOwnProperty.call(message, "watch_id"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.watch_id = typeof message.watch_id === "number" ? BigInt(message.watch_id) : $util.Long.fromBits(message.watch_id.low >>> 0, message.watch_id.high >>> 0, false).toBigInt();
                else if (typeof message.watch_id === "number")
                    object.watch_id = options.longs === String ? String(message.watch_id) : message.watch_id;
                else
                    object.watch_id = options.longs === String ? $util.Long.prototype.toString.call(message.watch_id) : options.longs === Number ? new $util.LongBits(message.watch_id.low >>> 0, message.watch_id.high >>> 0).toNumber() : message.watch_id;
            if (message.fragment != null && Object.hasOwnProperty.call(message, "fragment"))
                object.fragment = message.fragment;
            return object;
        };

        WatchCreateRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        WatchCreateRequest.FilterType = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "NOPUT"] = 0;
            values[valuesById[1] = "NODELETE"] = 1;
            return values;
        })();

        return WatchCreateRequest;
    })();

    etcdserverpb.WatchCancelRequest = (function() {

        function WatchCancelRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        WatchCancelRequest.prototype.watch_id = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        WatchCancelRequest.create = function create(properties) {
            return new WatchCancelRequest(properties);
        };

        WatchCancelRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.watch_id != null && Object.hasOwnProperty.call(message, "watch_id"))
                writer.uint32(8).int64(message.watch_id);
            return writer;
        };

        WatchCancelRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.WatchCancelRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.watch_id = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        WatchCancelRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.WatchCancelRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.WatchCancelRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.WatchCancelRequest();
            if (object.watch_id != null)
                if ($util.Long)
                    message.watch_id = $util.Long.fromValue(object.watch_id, false);
                else if (typeof object.watch_id === "string")
                    message.watch_id = parseInt(object.watch_id, 10);
                else if (typeof object.watch_id === "number")
                    message.watch_id = object.watch_id;
                else if (typeof object.watch_id === "object")
                    message.watch_id = new $util.LongBits(object.watch_id.low >>> 0, object.watch_id.high >>> 0).toNumber();
            return message;
        };

        WatchCancelRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.watch_id = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.watch_id = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.watch_id != null && Object.hasOwnProperty.call(message, "watch_id"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.watch_id = typeof message.watch_id === "number" ? BigInt(message.watch_id) : $util.Long.fromBits(message.watch_id.low >>> 0, message.watch_id.high >>> 0, false).toBigInt();
                else if (typeof message.watch_id === "number")
                    object.watch_id = options.longs === String ? String(message.watch_id) : message.watch_id;
                else
                    object.watch_id = options.longs === String ? $util.Long.prototype.toString.call(message.watch_id) : options.longs === Number ? new $util.LongBits(message.watch_id.low >>> 0, message.watch_id.high >>> 0).toNumber() : message.watch_id;
            return object;
        };

        WatchCancelRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return WatchCancelRequest;
    })();

    etcdserverpb.WatchProgressRequest = (function() {

        function WatchProgressRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        WatchProgressRequest.create = function create(properties) {
            return new WatchProgressRequest(properties);
        };

        WatchProgressRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        WatchProgressRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.WatchProgressRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        WatchProgressRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.WatchProgressRequest)
                return object;
            return new $root.etcdserverpb.WatchProgressRequest();
        };

        WatchProgressRequest.toObject = function toObject() {
            return {};
        };

        WatchProgressRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return WatchProgressRequest;
    })();

    etcdserverpb.WatchResponse = (function() {

        function WatchResponse(properties) {
            this.events = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        WatchResponse.prototype.header = null;
        WatchResponse.prototype.watch_id = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        WatchResponse.prototype.created = false;
        WatchResponse.prototype.canceled = false;
        WatchResponse.prototype.compact_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        WatchResponse.prototype.cancel_reason = "";
        WatchResponse.prototype.fragment = false;
        WatchResponse.prototype.events = $util.emptyArray;

        WatchResponse.create = function create(properties) {
            return new WatchResponse(properties);
        };

        WatchResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.watch_id != null && Object.hasOwnProperty.call(message, "watch_id"))
                writer.uint32(16).int64(message.watch_id);
            if (message.created != null && Object.hasOwnProperty.call(message, "created"))
                writer.uint32(24).bool(message.created);
            if (message.canceled != null && Object.hasOwnProperty.call(message, "canceled"))
                writer.uint32(32).bool(message.canceled);
            if (message.compact_revision != null && Object.hasOwnProperty.call(message, "compact_revision"))
                writer.uint32(40).int64(message.compact_revision);
            if (message.cancel_reason != null && Object.hasOwnProperty.call(message, "cancel_reason"))
                writer.uint32(50).string(message.cancel_reason);
            if (message.fragment != null && Object.hasOwnProperty.call(message, "fragment"))
                writer.uint32(56).bool(message.fragment);
            if (message.events != null && message.events.length)
                for (var i = 0; i < message.events.length; ++i)
                    $root.mvccpb.Event.encode(message.events[i], writer.uint32(90).fork(), q + 1).ldelim();
            return writer;
        };

        WatchResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.WatchResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.watch_id = reader.int64();
                        break;
                    }
                case 3: {
                        message.created = reader.bool();
                        break;
                    }
                case 4: {
                        message.canceled = reader.bool();
                        break;
                    }
                case 5: {
                        message.compact_revision = reader.int64();
                        break;
                    }
                case 6: {
                        message.cancel_reason = reader.string();
                        break;
                    }
                case 7: {
                        message.fragment = reader.bool();
                        break;
                    }
                case 11: {
                        if (!(message.events && message.events.length))
                            message.events = [];
                        message.events.push($root.mvccpb.Event.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        WatchResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.WatchResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.WatchResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.WatchResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.WatchResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.watch_id != null)
                if ($util.Long)
                    message.watch_id = $util.Long.fromValue(object.watch_id, false);
                else if (typeof object.watch_id === "string")
                    message.watch_id = parseInt(object.watch_id, 10);
                else if (typeof object.watch_id === "number")
                    message.watch_id = object.watch_id;
                else if (typeof object.watch_id === "object")
                    message.watch_id = new $util.LongBits(object.watch_id.low >>> 0, object.watch_id.high >>> 0).toNumber();
            if (object.created != null)
                message.created = Boolean(object.created);
            if (object.canceled != null)
                message.canceled = Boolean(object.canceled);
            if (object.compact_revision != null)
                if ($util.Long)
                    message.compact_revision = $util.Long.fromValue(object.compact_revision, false);
                else if (typeof object.compact_revision === "string")
                    message.compact_revision = parseInt(object.compact_revision, 10);
                else if (typeof object.compact_revision === "number")
                    message.compact_revision = object.compact_revision;
                else if (typeof object.compact_revision === "object")
                    message.compact_revision = new $util.LongBits(object.compact_revision.low >>> 0, object.compact_revision.high >>> 0).toNumber();
            if (object.cancel_reason != null)
                message.cancel_reason = String(object.cancel_reason);
            if (object.fragment != null)
                message.fragment = Boolean(object.fragment);
            if (object.events) {
                if (!Array.isArray(object.events))
                    throw TypeError(".etcdserverpb.WatchResponse.events: array expected");
                message.events = [];
                for (var i = 0; i < object.events.length; ++i) {
                    if (!$util.isObject(object.events[i]))
                        throw TypeError(".etcdserverpb.WatchResponse.events: object expected");
                    message.events[i] = $root.mvccpb.Event.fromObject(object.events[i], long + 1);
                }
            }
            return message;
        };

        WatchResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.events = [];
            if (options.defaults) {
                object.header = null;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.watch_id = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.watch_id = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.created = false;
                object.canceled = false;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.compact_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.compact_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.cancel_reason = "";
                object.fragment = false;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.watch_id != null && Object.hasOwnProperty.call(message, "watch_id"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.watch_id = typeof message.watch_id === "number" ? BigInt(message.watch_id) : $util.Long.fromBits(message.watch_id.low >>> 0, message.watch_id.high >>> 0, false).toBigInt();
                else if (typeof message.watch_id === "number")
                    object.watch_id = options.longs === String ? String(message.watch_id) : message.watch_id;
                else
                    object.watch_id = options.longs === String ? $util.Long.prototype.toString.call(message.watch_id) : options.longs === Number ? new $util.LongBits(message.watch_id.low >>> 0, message.watch_id.high >>> 0).toNumber() : message.watch_id;
            if (message.created != null && Object.hasOwnProperty.call(message, "created"))
                object.created = message.created;
            if (message.canceled != null && Object.hasOwnProperty.call(message, "canceled"))
                object.canceled = message.canceled;
            if (message.compact_revision != null && Object.hasOwnProperty.call(message, "compact_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.compact_revision = typeof message.compact_revision === "number" ? BigInt(message.compact_revision) : $util.Long.fromBits(message.compact_revision.low >>> 0, message.compact_revision.high >>> 0, false).toBigInt();
                else if (typeof message.compact_revision === "number")
                    object.compact_revision = options.longs === String ? String(message.compact_revision) : message.compact_revision;
                else
                    object.compact_revision = options.longs === String ? $util.Long.prototype.toString.call(message.compact_revision) : options.longs === Number ? new $util.LongBits(message.compact_revision.low >>> 0, message.compact_revision.high >>> 0).toNumber() : message.compact_revision;
            if (message.cancel_reason != null && Object.hasOwnProperty.call(message, "cancel_reason"))
                object.cancel_reason = message.cancel_reason;
            if (message.fragment != null && Object.hasOwnProperty.call(message, "fragment"))
                object.fragment = message.fragment;
            if (message.events && message.events.length) {
                object.events = [];
                for (var j = 0; j < message.events.length; ++j)
                    object.events[j] = $root.mvccpb.Event.toObject(message.events[j], options, q + 1);
            }
            return object;
        };

        WatchResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return WatchResponse;
    })();

    etcdserverpb.LeaseGrantRequest = (function() {

        function LeaseGrantRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        LeaseGrantRequest.prototype.TTL = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        LeaseGrantRequest.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        LeaseGrantRequest.create = function create(properties) {
            return new LeaseGrantRequest(properties);
        };

        LeaseGrantRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.TTL != null && Object.hasOwnProperty.call(message, "TTL"))
                writer.uint32(8).int64(message.TTL);
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(16).int64(message.ID);
            return writer;
        };

        LeaseGrantRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.LeaseGrantRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.TTL = reader.int64();
                        break;
                    }
                case 2: {
                        message.ID = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        LeaseGrantRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.LeaseGrantRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.LeaseGrantRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.LeaseGrantRequest();
            if (object.TTL != null)
                if ($util.Long)
                    message.TTL = $util.Long.fromValue(object.TTL, false);
                else if (typeof object.TTL === "string")
                    message.TTL = parseInt(object.TTL, 10);
                else if (typeof object.TTL === "number")
                    message.TTL = object.TTL;
                else if (typeof object.TTL === "object")
                    message.TTL = new $util.LongBits(object.TTL.low >>> 0, object.TTL.high >>> 0).toNumber();
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, false);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber();
            return message;
        };

        LeaseGrantRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.TTL = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.TTL = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.TTL != null && Object.hasOwnProperty.call(message, "TTL"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.TTL = typeof message.TTL === "number" ? BigInt(message.TTL) : $util.Long.fromBits(message.TTL.low >>> 0, message.TTL.high >>> 0, false).toBigInt();
                else if (typeof message.TTL === "number")
                    object.TTL = options.longs === String ? String(message.TTL) : message.TTL;
                else
                    object.TTL = options.longs === String ? $util.Long.prototype.toString.call(message.TTL) : options.longs === Number ? new $util.LongBits(message.TTL.low >>> 0, message.TTL.high >>> 0).toNumber() : message.TTL;
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, false).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber() : message.ID;
            return object;
        };

        LeaseGrantRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return LeaseGrantRequest;
    })();

    etcdserverpb.LeaseGrantResponse = (function() {

        function LeaseGrantResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        LeaseGrantResponse.prototype.header = null;
        LeaseGrantResponse.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        LeaseGrantResponse.prototype.TTL = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        LeaseGrantResponse.prototype.error = "";

        LeaseGrantResponse.create = function create(properties) {
            return new LeaseGrantResponse(properties);
        };

        LeaseGrantResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(16).int64(message.ID);
            if (message.TTL != null && Object.hasOwnProperty.call(message, "TTL"))
                writer.uint32(24).int64(message.TTL);
            if (message.error != null && Object.hasOwnProperty.call(message, "error"))
                writer.uint32(34).string(message.error);
            return writer;
        };

        LeaseGrantResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.LeaseGrantResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.ID = reader.int64();
                        break;
                    }
                case 3: {
                        message.TTL = reader.int64();
                        break;
                    }
                case 4: {
                        message.error = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        LeaseGrantResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.LeaseGrantResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.LeaseGrantResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.LeaseGrantResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.LeaseGrantResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, false);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber();
            if (object.TTL != null)
                if ($util.Long)
                    message.TTL = $util.Long.fromValue(object.TTL, false);
                else if (typeof object.TTL === "string")
                    message.TTL = parseInt(object.TTL, 10);
                else if (typeof object.TTL === "number")
                    message.TTL = object.TTL;
                else if (typeof object.TTL === "object")
                    message.TTL = new $util.LongBits(object.TTL.low >>> 0, object.TTL.high >>> 0).toNumber();
            if (object.error != null)
                message.error = String(object.error);
            return message;
        };

        LeaseGrantResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.header = null;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.TTL = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.TTL = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.error = "";
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, false).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber() : message.ID;
            if (message.TTL != null && Object.hasOwnProperty.call(message, "TTL"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.TTL = typeof message.TTL === "number" ? BigInt(message.TTL) : $util.Long.fromBits(message.TTL.low >>> 0, message.TTL.high >>> 0, false).toBigInt();
                else if (typeof message.TTL === "number")
                    object.TTL = options.longs === String ? String(message.TTL) : message.TTL;
                else
                    object.TTL = options.longs === String ? $util.Long.prototype.toString.call(message.TTL) : options.longs === Number ? new $util.LongBits(message.TTL.low >>> 0, message.TTL.high >>> 0).toNumber() : message.TTL;
            if (message.error != null && Object.hasOwnProperty.call(message, "error"))
                object.error = message.error;
            return object;
        };

        LeaseGrantResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return LeaseGrantResponse;
    })();

    etcdserverpb.LeaseRevokeRequest = (function() {

        function LeaseRevokeRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        LeaseRevokeRequest.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        LeaseRevokeRequest.create = function create(properties) {
            return new LeaseRevokeRequest(properties);
        };

        LeaseRevokeRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(8).int64(message.ID);
            return writer;
        };

        LeaseRevokeRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.LeaseRevokeRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ID = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        LeaseRevokeRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.LeaseRevokeRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.LeaseRevokeRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.LeaseRevokeRequest();
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, false);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber();
            return message;
        };

        LeaseRevokeRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, false).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber() : message.ID;
            return object;
        };

        LeaseRevokeRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return LeaseRevokeRequest;
    })();

    etcdserverpb.LeaseRevokeResponse = (function() {

        function LeaseRevokeResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        LeaseRevokeResponse.prototype.header = null;

        LeaseRevokeResponse.create = function create(properties) {
            return new LeaseRevokeResponse(properties);
        };

        LeaseRevokeResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        LeaseRevokeResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.LeaseRevokeResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        LeaseRevokeResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.LeaseRevokeResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.LeaseRevokeResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.LeaseRevokeResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.LeaseRevokeResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        LeaseRevokeResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        LeaseRevokeResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return LeaseRevokeResponse;
    })();

    etcdserverpb.LeaseKeepAliveRequest = (function() {

        function LeaseKeepAliveRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        LeaseKeepAliveRequest.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        LeaseKeepAliveRequest.create = function create(properties) {
            return new LeaseKeepAliveRequest(properties);
        };

        LeaseKeepAliveRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(8).int64(message.ID);
            return writer;
        };

        LeaseKeepAliveRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.LeaseKeepAliveRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ID = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        LeaseKeepAliveRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.LeaseKeepAliveRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.LeaseKeepAliveRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.LeaseKeepAliveRequest();
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, false);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber();
            return message;
        };

        LeaseKeepAliveRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, false).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber() : message.ID;
            return object;
        };

        LeaseKeepAliveRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return LeaseKeepAliveRequest;
    })();

    etcdserverpb.LeaseKeepAliveResponse = (function() {

        function LeaseKeepAliveResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        LeaseKeepAliveResponse.prototype.header = null;
        LeaseKeepAliveResponse.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        LeaseKeepAliveResponse.prototype.TTL = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        LeaseKeepAliveResponse.create = function create(properties) {
            return new LeaseKeepAliveResponse(properties);
        };

        LeaseKeepAliveResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(16).int64(message.ID);
            if (message.TTL != null && Object.hasOwnProperty.call(message, "TTL"))
                writer.uint32(24).int64(message.TTL);
            return writer;
        };

        LeaseKeepAliveResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.LeaseKeepAliveResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.ID = reader.int64();
                        break;
                    }
                case 3: {
                        message.TTL = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        LeaseKeepAliveResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.LeaseKeepAliveResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.LeaseKeepAliveResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.LeaseKeepAliveResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.LeaseKeepAliveResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, false);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber();
            if (object.TTL != null)
                if ($util.Long)
                    message.TTL = $util.Long.fromValue(object.TTL, false);
                else if (typeof object.TTL === "string")
                    message.TTL = parseInt(object.TTL, 10);
                else if (typeof object.TTL === "number")
                    message.TTL = object.TTL;
                else if (typeof object.TTL === "object")
                    message.TTL = new $util.LongBits(object.TTL.low >>> 0, object.TTL.high >>> 0).toNumber();
            return message;
        };

        LeaseKeepAliveResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.header = null;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.TTL = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.TTL = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, false).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber() : message.ID;
            if (message.TTL != null && Object.hasOwnProperty.call(message, "TTL"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.TTL = typeof message.TTL === "number" ? BigInt(message.TTL) : $util.Long.fromBits(message.TTL.low >>> 0, message.TTL.high >>> 0, false).toBigInt();
                else if (typeof message.TTL === "number")
                    object.TTL = options.longs === String ? String(message.TTL) : message.TTL;
                else
                    object.TTL = options.longs === String ? $util.Long.prototype.toString.call(message.TTL) : options.longs === Number ? new $util.LongBits(message.TTL.low >>> 0, message.TTL.high >>> 0).toNumber() : message.TTL;
            return object;
        };

        LeaseKeepAliveResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return LeaseKeepAliveResponse;
    })();

    etcdserverpb.LeaseTimeToLiveRequest = (function() {

        function LeaseTimeToLiveRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        LeaseTimeToLiveRequest.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        LeaseTimeToLiveRequest.prototype.keys = false;

        LeaseTimeToLiveRequest.create = function create(properties) {
            return new LeaseTimeToLiveRequest(properties);
        };

        LeaseTimeToLiveRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(8).int64(message.ID);
            if (message.keys != null && Object.hasOwnProperty.call(message, "keys"))
                writer.uint32(16).bool(message.keys);
            return writer;
        };

        LeaseTimeToLiveRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.LeaseTimeToLiveRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ID = reader.int64();
                        break;
                    }
                case 2: {
                        message.keys = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        LeaseTimeToLiveRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.LeaseTimeToLiveRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.LeaseTimeToLiveRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.LeaseTimeToLiveRequest();
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, false);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber();
            if (object.keys != null)
                message.keys = Boolean(object.keys);
            return message;
        };

        LeaseTimeToLiveRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.keys = false;
            }
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, false).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber() : message.ID;
            if (message.keys != null && Object.hasOwnProperty.call(message, "keys"))
                object.keys = message.keys;
            return object;
        };

        LeaseTimeToLiveRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return LeaseTimeToLiveRequest;
    })();

    etcdserverpb.LeaseTimeToLiveResponse = (function() {

        function LeaseTimeToLiveResponse(properties) {
            this.keys = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        LeaseTimeToLiveResponse.prototype.header = null;
        LeaseTimeToLiveResponse.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        LeaseTimeToLiveResponse.prototype.TTL = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        LeaseTimeToLiveResponse.prototype.grantedTTL = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        LeaseTimeToLiveResponse.prototype.keys = $util.emptyArray;

        LeaseTimeToLiveResponse.create = function create(properties) {
            return new LeaseTimeToLiveResponse(properties);
        };

        LeaseTimeToLiveResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(16).int64(message.ID);
            if (message.TTL != null && Object.hasOwnProperty.call(message, "TTL"))
                writer.uint32(24).int64(message.TTL);
            if (message.grantedTTL != null && Object.hasOwnProperty.call(message, "grantedTTL"))
                writer.uint32(32).int64(message.grantedTTL);
            if (message.keys != null && message.keys.length)
                for (var i = 0; i < message.keys.length; ++i)
                    writer.uint32(42).bytes(message.keys[i]);
            return writer;
        };

        LeaseTimeToLiveResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.LeaseTimeToLiveResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.ID = reader.int64();
                        break;
                    }
                case 3: {
                        message.TTL = reader.int64();
                        break;
                    }
                case 4: {
                        message.grantedTTL = reader.int64();
                        break;
                    }
                case 5: {
                        if (!(message.keys && message.keys.length))
                            message.keys = [];
                        message.keys.push(reader.bytes());
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        LeaseTimeToLiveResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.LeaseTimeToLiveResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.LeaseTimeToLiveResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.LeaseTimeToLiveResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.LeaseTimeToLiveResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, false);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber();
            if (object.TTL != null)
                if ($util.Long)
                    message.TTL = $util.Long.fromValue(object.TTL, false);
                else if (typeof object.TTL === "string")
                    message.TTL = parseInt(object.TTL, 10);
                else if (typeof object.TTL === "number")
                    message.TTL = object.TTL;
                else if (typeof object.TTL === "object")
                    message.TTL = new $util.LongBits(object.TTL.low >>> 0, object.TTL.high >>> 0).toNumber();
            if (object.grantedTTL != null)
                if ($util.Long)
                    message.grantedTTL = $util.Long.fromValue(object.grantedTTL, false);
                else if (typeof object.grantedTTL === "string")
                    message.grantedTTL = parseInt(object.grantedTTL, 10);
                else if (typeof object.grantedTTL === "number")
                    message.grantedTTL = object.grantedTTL;
                else if (typeof object.grantedTTL === "object")
                    message.grantedTTL = new $util.LongBits(object.grantedTTL.low >>> 0, object.grantedTTL.high >>> 0).toNumber();
            if (object.keys) {
                if (!Array.isArray(object.keys))
                    throw TypeError(".etcdserverpb.LeaseTimeToLiveResponse.keys: array expected");
                message.keys = [];
                for (var i = 0; i < object.keys.length; ++i)
                    if (typeof object.keys[i] === "string")
                        $util.base64.decode(object.keys[i], message.keys[i] = $util.newBuffer($util.base64.length(object.keys[i])), 0);
                    else if (object.keys[i].length >= 0)
                        message.keys[i] = object.keys[i];
            }
            return message;
        };

        LeaseTimeToLiveResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.keys = [];
            if (options.defaults) {
                object.header = null;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.TTL = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.TTL = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.grantedTTL = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.grantedTTL = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, false).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber() : message.ID;
            if (message.TTL != null && Object.hasOwnProperty.call(message, "TTL"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.TTL = typeof message.TTL === "number" ? BigInt(message.TTL) : $util.Long.fromBits(message.TTL.low >>> 0, message.TTL.high >>> 0, false).toBigInt();
                else if (typeof message.TTL === "number")
                    object.TTL = options.longs === String ? String(message.TTL) : message.TTL;
                else
                    object.TTL = options.longs === String ? $util.Long.prototype.toString.call(message.TTL) : options.longs === Number ? new $util.LongBits(message.TTL.low >>> 0, message.TTL.high >>> 0).toNumber() : message.TTL;
            if (message.grantedTTL != null && Object.hasOwnProperty.call(message, "grantedTTL"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.grantedTTL = typeof message.grantedTTL === "number" ? BigInt(message.grantedTTL) : $util.Long.fromBits(message.grantedTTL.low >>> 0, message.grantedTTL.high >>> 0, false).toBigInt();
                else if (typeof message.grantedTTL === "number")
                    object.grantedTTL = options.longs === String ? String(message.grantedTTL) : message.grantedTTL;
                else
                    object.grantedTTL = options.longs === String ? $util.Long.prototype.toString.call(message.grantedTTL) : options.longs === Number ? new $util.LongBits(message.grantedTTL.low >>> 0, message.grantedTTL.high >>> 0).toNumber() : message.grantedTTL;
            if (message.keys && message.keys.length) {
                object.keys = [];
                for (var j = 0; j < message.keys.length; ++j)
                    object.keys[j] = options.bytes === String ? $util.base64.encode(message.keys[j], 0, message.keys[j].length) : options.bytes === Array ? Array.prototype.slice.call(message.keys[j]) : message.keys[j];
            }
            return object;
        };

        LeaseTimeToLiveResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return LeaseTimeToLiveResponse;
    })();

    etcdserverpb.Member = (function() {

        function Member(properties) {
            this.peerURLs = [];
            this.clientURLs = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Member.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        Member.prototype.name = "";
        Member.prototype.peerURLs = $util.emptyArray;
        Member.prototype.clientURLs = $util.emptyArray;
        Member.prototype.isLearner = false;

        Member.create = function create(properties) {
            return new Member(properties);
        };

        Member.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(8).uint64(message.ID);
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                writer.uint32(18).string(message.name);
            if (message.peerURLs != null && message.peerURLs.length)
                for (var i = 0; i < message.peerURLs.length; ++i)
                    writer.uint32(26).string(message.peerURLs[i]);
            if (message.clientURLs != null && message.clientURLs.length)
                for (var i = 0; i < message.clientURLs.length; ++i)
                    writer.uint32(34).string(message.clientURLs[i]);
            if (message.isLearner != null && Object.hasOwnProperty.call(message, "isLearner"))
                writer.uint32(40).bool(message.isLearner);
            return writer;
        };

        Member.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.Member();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ID = reader.uint64();
                        break;
                    }
                case 2: {
                        message.name = reader.string();
                        break;
                    }
                case 3: {
                        if (!(message.peerURLs && message.peerURLs.length))
                            message.peerURLs = [];
                        message.peerURLs.push(reader.string());
                        break;
                    }
                case 4: {
                        if (!(message.clientURLs && message.clientURLs.length))
                            message.clientURLs = [];
                        message.clientURLs.push(reader.string());
                        break;
                    }
                case 5: {
                        message.isLearner = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Member.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.Member)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.Member: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.Member();
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, true);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber(true);
            if (object.name != null)
                message.name = String(object.name);
            if (object.peerURLs) {
                if (!Array.isArray(object.peerURLs))
                    throw TypeError(".etcdserverpb.Member.peerURLs: array expected");
                message.peerURLs = [];
                for (var i = 0; i < object.peerURLs.length; ++i)
                    message.peerURLs[i] = String(object.peerURLs[i]);
            }
            if (object.clientURLs) {
                if (!Array.isArray(object.clientURLs))
                    throw TypeError(".etcdserverpb.Member.clientURLs: array expected");
                message.clientURLs = [];
                for (var i = 0; i < object.clientURLs.length; ++i)
                    message.clientURLs[i] = String(object.clientURLs[i]);
            }
            if (object.isLearner != null)
                message.isLearner = Boolean(object.isLearner);
            return message;
        };

        Member.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults) {
                object.peerURLs = [];
                object.clientURLs = [];
            }
            if (options.defaults) {
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.name = "";
                object.isLearner = false;
            }
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, true).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber(true) : message.ID;
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                object.name = message.name;
            if (message.peerURLs && message.peerURLs.length) {
                object.peerURLs = [];
                for (var j = 0; j < message.peerURLs.length; ++j)
                    object.peerURLs[j] = message.peerURLs[j];
            }
            if (message.clientURLs && message.clientURLs.length) {
                object.clientURLs = [];
                for (var j = 0; j < message.clientURLs.length; ++j)
                    object.clientURLs[j] = message.clientURLs[j];
            }
            if (message.isLearner != null && Object.hasOwnProperty.call(message, "isLearner"))
                object.isLearner = message.isLearner;
            return object;
        };

        Member.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return Member;
    })();

    etcdserverpb.MemberAddRequest = (function() {

        function MemberAddRequest(properties) {
            this.peerURLs = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberAddRequest.prototype.peerURLs = $util.emptyArray;
        MemberAddRequest.prototype.isLearner = false;

        MemberAddRequest.create = function create(properties) {
            return new MemberAddRequest(properties);
        };

        MemberAddRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.peerURLs != null && message.peerURLs.length)
                for (var i = 0; i < message.peerURLs.length; ++i)
                    writer.uint32(10).string(message.peerURLs[i]);
            if (message.isLearner != null && Object.hasOwnProperty.call(message, "isLearner"))
                writer.uint32(16).bool(message.isLearner);
            return writer;
        };

        MemberAddRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberAddRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        if (!(message.peerURLs && message.peerURLs.length))
                            message.peerURLs = [];
                        message.peerURLs.push(reader.string());
                        break;
                    }
                case 2: {
                        message.isLearner = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberAddRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberAddRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberAddRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberAddRequest();
            if (object.peerURLs) {
                if (!Array.isArray(object.peerURLs))
                    throw TypeError(".etcdserverpb.MemberAddRequest.peerURLs: array expected");
                message.peerURLs = [];
                for (var i = 0; i < object.peerURLs.length; ++i)
                    message.peerURLs[i] = String(object.peerURLs[i]);
            }
            if (object.isLearner != null)
                message.isLearner = Boolean(object.isLearner);
            return message;
        };

        MemberAddRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.peerURLs = [];
            if (options.defaults)
                object.isLearner = false;
            if (message.peerURLs && message.peerURLs.length) {
                object.peerURLs = [];
                for (var j = 0; j < message.peerURLs.length; ++j)
                    object.peerURLs[j] = message.peerURLs[j];
            }
            if (message.isLearner != null && Object.hasOwnProperty.call(message, "isLearner"))
                object.isLearner = message.isLearner;
            return object;
        };

        MemberAddRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberAddRequest;
    })();

    etcdserverpb.MemberAddResponse = (function() {

        function MemberAddResponse(properties) {
            this.members = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberAddResponse.prototype.header = null;
        MemberAddResponse.prototype.member = null;
        MemberAddResponse.prototype.members = $util.emptyArray;

        MemberAddResponse.create = function create(properties) {
            return new MemberAddResponse(properties);
        };

        MemberAddResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.member != null && Object.hasOwnProperty.call(message, "member"))
                $root.etcdserverpb.Member.encode(message.member, writer.uint32(18).fork(), q + 1).ldelim();
            if (message.members != null && message.members.length)
                for (var i = 0; i < message.members.length; ++i)
                    $root.etcdserverpb.Member.encode(message.members[i], writer.uint32(26).fork(), q + 1).ldelim();
            return writer;
        };

        MemberAddResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberAddResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.member = $root.etcdserverpb.Member.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 3: {
                        if (!(message.members && message.members.length))
                            message.members = [];
                        message.members.push($root.etcdserverpb.Member.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberAddResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberAddResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberAddResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberAddResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.MemberAddResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.member != null) {
                if (!$util.isObject(object.member))
                    throw TypeError(".etcdserverpb.MemberAddResponse.member: object expected");
                message.member = $root.etcdserverpb.Member.fromObject(object.member, long + 1);
            }
            if (object.members) {
                if (!Array.isArray(object.members))
                    throw TypeError(".etcdserverpb.MemberAddResponse.members: array expected");
                message.members = [];
                for (var i = 0; i < object.members.length; ++i) {
                    if (!$util.isObject(object.members[i]))
                        throw TypeError(".etcdserverpb.MemberAddResponse.members: object expected");
                    message.members[i] = $root.etcdserverpb.Member.fromObject(object.members[i], long + 1);
                }
            }
            return message;
        };

        MemberAddResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.members = [];
            if (options.defaults) {
                object.header = null;
                object.member = null;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.member != null && Object.hasOwnProperty.call(message, "member"))
                object.member = $root.etcdserverpb.Member.toObject(message.member, options, q + 1);
            if (message.members && message.members.length) {
                object.members = [];
                for (var j = 0; j < message.members.length; ++j)
                    object.members[j] = $root.etcdserverpb.Member.toObject(message.members[j], options, q + 1);
            }
            return object;
        };

        MemberAddResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberAddResponse;
    })();

    etcdserverpb.MemberRemoveRequest = (function() {

        function MemberRemoveRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberRemoveRequest.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        MemberRemoveRequest.create = function create(properties) {
            return new MemberRemoveRequest(properties);
        };

        MemberRemoveRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(8).uint64(message.ID);
            return writer;
        };

        MemberRemoveRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberRemoveRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ID = reader.uint64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberRemoveRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberRemoveRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberRemoveRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberRemoveRequest();
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, true);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber(true);
            return message;
        };

        MemberRemoveRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, true).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber(true) : message.ID;
            return object;
        };

        MemberRemoveRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberRemoveRequest;
    })();

    etcdserverpb.MemberRemoveResponse = (function() {

        function MemberRemoveResponse(properties) {
            this.members = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberRemoveResponse.prototype.header = null;
        MemberRemoveResponse.prototype.members = $util.emptyArray;

        MemberRemoveResponse.create = function create(properties) {
            return new MemberRemoveResponse(properties);
        };

        MemberRemoveResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.members != null && message.members.length)
                for (var i = 0; i < message.members.length; ++i)
                    $root.etcdserverpb.Member.encode(message.members[i], writer.uint32(18).fork(), q + 1).ldelim();
            return writer;
        };

        MemberRemoveResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberRemoveResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        if (!(message.members && message.members.length))
                            message.members = [];
                        message.members.push($root.etcdserverpb.Member.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberRemoveResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberRemoveResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberRemoveResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberRemoveResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.MemberRemoveResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.members) {
                if (!Array.isArray(object.members))
                    throw TypeError(".etcdserverpb.MemberRemoveResponse.members: array expected");
                message.members = [];
                for (var i = 0; i < object.members.length; ++i) {
                    if (!$util.isObject(object.members[i]))
                        throw TypeError(".etcdserverpb.MemberRemoveResponse.members: object expected");
                    message.members[i] = $root.etcdserverpb.Member.fromObject(object.members[i], long + 1);
                }
            }
            return message;
        };

        MemberRemoveResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.members = [];
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.members && message.members.length) {
                object.members = [];
                for (var j = 0; j < message.members.length; ++j)
                    object.members[j] = $root.etcdserverpb.Member.toObject(message.members[j], options, q + 1);
            }
            return object;
        };

        MemberRemoveResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberRemoveResponse;
    })();

    etcdserverpb.MemberUpdateRequest = (function() {

        function MemberUpdateRequest(properties) {
            this.peerURLs = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberUpdateRequest.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        MemberUpdateRequest.prototype.peerURLs = $util.emptyArray;

        MemberUpdateRequest.create = function create(properties) {
            return new MemberUpdateRequest(properties);
        };

        MemberUpdateRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(8).uint64(message.ID);
            if (message.peerURLs != null && message.peerURLs.length)
                for (var i = 0; i < message.peerURLs.length; ++i)
                    writer.uint32(18).string(message.peerURLs[i]);
            return writer;
        };

        MemberUpdateRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberUpdateRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ID = reader.uint64();
                        break;
                    }
                case 2: {
                        if (!(message.peerURLs && message.peerURLs.length))
                            message.peerURLs = [];
                        message.peerURLs.push(reader.string());
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberUpdateRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberUpdateRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberUpdateRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberUpdateRequest();
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, true);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber(true);
            if (object.peerURLs) {
                if (!Array.isArray(object.peerURLs))
                    throw TypeError(".etcdserverpb.MemberUpdateRequest.peerURLs: array expected");
                message.peerURLs = [];
                for (var i = 0; i < object.peerURLs.length; ++i)
                    message.peerURLs[i] = String(object.peerURLs[i]);
            }
            return message;
        };

        MemberUpdateRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.peerURLs = [];
            if (options.defaults)
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, true).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber(true) : message.ID;
            if (message.peerURLs && message.peerURLs.length) {
                object.peerURLs = [];
                for (var j = 0; j < message.peerURLs.length; ++j)
                    object.peerURLs[j] = message.peerURLs[j];
            }
            return object;
        };

        MemberUpdateRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberUpdateRequest;
    })();

    etcdserverpb.MemberUpdateResponse = (function() {

        function MemberUpdateResponse(properties) {
            this.members = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberUpdateResponse.prototype.header = null;
        MemberUpdateResponse.prototype.members = $util.emptyArray;

        MemberUpdateResponse.create = function create(properties) {
            return new MemberUpdateResponse(properties);
        };

        MemberUpdateResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.members != null && message.members.length)
                for (var i = 0; i < message.members.length; ++i)
                    $root.etcdserverpb.Member.encode(message.members[i], writer.uint32(18).fork(), q + 1).ldelim();
            return writer;
        };

        MemberUpdateResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberUpdateResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        if (!(message.members && message.members.length))
                            message.members = [];
                        message.members.push($root.etcdserverpb.Member.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberUpdateResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberUpdateResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberUpdateResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberUpdateResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.MemberUpdateResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.members) {
                if (!Array.isArray(object.members))
                    throw TypeError(".etcdserverpb.MemberUpdateResponse.members: array expected");
                message.members = [];
                for (var i = 0; i < object.members.length; ++i) {
                    if (!$util.isObject(object.members[i]))
                        throw TypeError(".etcdserverpb.MemberUpdateResponse.members: object expected");
                    message.members[i] = $root.etcdserverpb.Member.fromObject(object.members[i], long + 1);
                }
            }
            return message;
        };

        MemberUpdateResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.members = [];
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.members && message.members.length) {
                object.members = [];
                for (var j = 0; j < message.members.length; ++j)
                    object.members[j] = $root.etcdserverpb.Member.toObject(message.members[j], options, q + 1);
            }
            return object;
        };

        MemberUpdateResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberUpdateResponse;
    })();

    etcdserverpb.MemberListRequest = (function() {

        function MemberListRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberListRequest.prototype.linearizable = false;

        MemberListRequest.create = function create(properties) {
            return new MemberListRequest(properties);
        };

        MemberListRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.linearizable != null && Object.hasOwnProperty.call(message, "linearizable"))
                writer.uint32(8).bool(message.linearizable);
            return writer;
        };

        MemberListRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberListRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.linearizable = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberListRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberListRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberListRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberListRequest();
            if (object.linearizable != null)
                message.linearizable = Boolean(object.linearizable);
            return message;
        };

        MemberListRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.linearizable = false;
            if (message.linearizable != null && Object.hasOwnProperty.call(message, "linearizable"))
                object.linearizable = message.linearizable;
            return object;
        };

        MemberListRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberListRequest;
    })();

    etcdserverpb.MemberListResponse = (function() {

        function MemberListResponse(properties) {
            this.members = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberListResponse.prototype.header = null;
        MemberListResponse.prototype.members = $util.emptyArray;

        MemberListResponse.create = function create(properties) {
            return new MemberListResponse(properties);
        };

        MemberListResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.members != null && message.members.length)
                for (var i = 0; i < message.members.length; ++i)
                    $root.etcdserverpb.Member.encode(message.members[i], writer.uint32(18).fork(), q + 1).ldelim();
            return writer;
        };

        MemberListResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberListResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        if (!(message.members && message.members.length))
                            message.members = [];
                        message.members.push($root.etcdserverpb.Member.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberListResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberListResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberListResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberListResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.MemberListResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.members) {
                if (!Array.isArray(object.members))
                    throw TypeError(".etcdserverpb.MemberListResponse.members: array expected");
                message.members = [];
                for (var i = 0; i < object.members.length; ++i) {
                    if (!$util.isObject(object.members[i]))
                        throw TypeError(".etcdserverpb.MemberListResponse.members: object expected");
                    message.members[i] = $root.etcdserverpb.Member.fromObject(object.members[i], long + 1);
                }
            }
            return message;
        };

        MemberListResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.members = [];
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.members && message.members.length) {
                object.members = [];
                for (var j = 0; j < message.members.length; ++j)
                    object.members[j] = $root.etcdserverpb.Member.toObject(message.members[j], options, q + 1);
            }
            return object;
        };

        MemberListResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberListResponse;
    })();

    etcdserverpb.MemberPromoteRequest = (function() {

        function MemberPromoteRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberPromoteRequest.prototype.ID = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        MemberPromoteRequest.create = function create(properties) {
            return new MemberPromoteRequest(properties);
        };

        MemberPromoteRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                writer.uint32(8).uint64(message.ID);
            return writer;
        };

        MemberPromoteRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberPromoteRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ID = reader.uint64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberPromoteRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberPromoteRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberPromoteRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberPromoteRequest();
            if (object.ID != null)
                if ($util.Long)
                    message.ID = $util.Long.fromValue(object.ID, true);
                else if (typeof object.ID === "string")
                    message.ID = parseInt(object.ID, 10);
                else if (typeof object.ID === "number")
                    message.ID = object.ID;
                else if (typeof object.ID === "object")
                    message.ID = new $util.LongBits(object.ID.low >>> 0, object.ID.high >>> 0).toNumber(true);
            return message;
        };

        MemberPromoteRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.ID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.ID != null && Object.hasOwnProperty.call(message, "ID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ID = typeof message.ID === "number" ? BigInt(message.ID) : $util.Long.fromBits(message.ID.low >>> 0, message.ID.high >>> 0, true).toBigInt();
                else if (typeof message.ID === "number")
                    object.ID = options.longs === String ? String(message.ID) : message.ID;
                else
                    object.ID = options.longs === String ? $util.Long.prototype.toString.call(message.ID) : options.longs === Number ? new $util.LongBits(message.ID.low >>> 0, message.ID.high >>> 0).toNumber(true) : message.ID;
            return object;
        };

        MemberPromoteRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberPromoteRequest;
    })();

    etcdserverpb.MemberPromoteResponse = (function() {

        function MemberPromoteResponse(properties) {
            this.members = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MemberPromoteResponse.prototype.header = null;
        MemberPromoteResponse.prototype.members = $util.emptyArray;

        MemberPromoteResponse.create = function create(properties) {
            return new MemberPromoteResponse(properties);
        };

        MemberPromoteResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.members != null && message.members.length)
                for (var i = 0; i < message.members.length; ++i)
                    $root.etcdserverpb.Member.encode(message.members[i], writer.uint32(18).fork(), q + 1).ldelim();
            return writer;
        };

        MemberPromoteResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MemberPromoteResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        if (!(message.members && message.members.length))
                            message.members = [];
                        message.members.push($root.etcdserverpb.Member.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MemberPromoteResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MemberPromoteResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MemberPromoteResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MemberPromoteResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.MemberPromoteResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.members) {
                if (!Array.isArray(object.members))
                    throw TypeError(".etcdserverpb.MemberPromoteResponse.members: array expected");
                message.members = [];
                for (var i = 0; i < object.members.length; ++i) {
                    if (!$util.isObject(object.members[i]))
                        throw TypeError(".etcdserverpb.MemberPromoteResponse.members: object expected");
                    message.members[i] = $root.etcdserverpb.Member.fromObject(object.members[i], long + 1);
                }
            }
            return message;
        };

        MemberPromoteResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.members = [];
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.members && message.members.length) {
                object.members = [];
                for (var j = 0; j < message.members.length; ++j)
                    object.members[j] = $root.etcdserverpb.Member.toObject(message.members[j], options, q + 1);
            }
            return object;
        };

        MemberPromoteResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MemberPromoteResponse;
    })();

    etcdserverpb.AlarmType = (function() {
        var valuesById = {}, values = Object.create(valuesById);
        values[valuesById[0] = "NONE"] = 0;
        values[valuesById[1] = "NOSPACE"] = 1;
        values[valuesById[2] = "CORRUPT"] = 2;
        return values;
    })();

    etcdserverpb.AlarmRequest = (function() {

        function AlarmRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AlarmRequest.prototype.action = 0;
        AlarmRequest.prototype.memberID = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        AlarmRequest.prototype.alarm = 0;

        AlarmRequest.create = function create(properties) {
            return new AlarmRequest(properties);
        };

        AlarmRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.action != null && Object.hasOwnProperty.call(message, "action"))
                writer.uint32(8).int32(message.action);
            if (message.memberID != null && Object.hasOwnProperty.call(message, "memberID"))
                writer.uint32(16).uint64(message.memberID);
            if (message.alarm != null && Object.hasOwnProperty.call(message, "alarm"))
                writer.uint32(24).int32(message.alarm);
            return writer;
        };

        AlarmRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AlarmRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.action = reader.int32();
                        break;
                    }
                case 2: {
                        message.memberID = reader.uint64();
                        break;
                    }
                case 3: {
                        message.alarm = reader.int32();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AlarmRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AlarmRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AlarmRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AlarmRequest();
            switch (object.action) {
            default:
                if (typeof object.action === "number") {
                    message.action = object.action;
                    break;
                }
                break;
            case "GET":
            case 0:
                message.action = 0;
                break;
            case "ACTIVATE":
            case 1:
                message.action = 1;
                break;
            case "DEACTIVATE":
            case 2:
                message.action = 2;
                break;
            }
            if (object.memberID != null)
                if ($util.Long)
                    message.memberID = $util.Long.fromValue(object.memberID, true);
                else if (typeof object.memberID === "string")
                    message.memberID = parseInt(object.memberID, 10);
                else if (typeof object.memberID === "number")
                    message.memberID = object.memberID;
                else if (typeof object.memberID === "object")
                    message.memberID = new $util.LongBits(object.memberID.low >>> 0, object.memberID.high >>> 0).toNumber(true);
            switch (object.alarm) {
            default:
                if (typeof object.alarm === "number") {
                    message.alarm = object.alarm;
                    break;
                }
                break;
            case "NONE":
            case 0:
                message.alarm = 0;
                break;
            case "NOSPACE":
            case 1:
                message.alarm = 1;
                break;
            case "CORRUPT":
            case 2:
                message.alarm = 2;
                break;
            }
            return message;
        };

        AlarmRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.action = options.enums === String ? "GET" : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.memberID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.memberID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.alarm = options.enums === String ? "NONE" : 0;
            }
            if (message.action != null && Object.hasOwnProperty.call(message, "action"))
                object.action = options.enums === String ? $root.etcdserverpb.AlarmRequest.AlarmAction[message.action] === undefined ? message.action : $root.etcdserverpb.AlarmRequest.AlarmAction[message.action] : message.action;
            if (message.memberID != null && Object.hasOwnProperty.call(message, "memberID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.memberID = typeof message.memberID === "number" ? BigInt(message.memberID) : $util.Long.fromBits(message.memberID.low >>> 0, message.memberID.high >>> 0, true).toBigInt();
                else if (typeof message.memberID === "number")
                    object.memberID = options.longs === String ? String(message.memberID) : message.memberID;
                else
                    object.memberID = options.longs === String ? $util.Long.prototype.toString.call(message.memberID) : options.longs === Number ? new $util.LongBits(message.memberID.low >>> 0, message.memberID.high >>> 0).toNumber(true) : message.memberID;
            if (message.alarm != null && Object.hasOwnProperty.call(message, "alarm"))
                object.alarm = options.enums === String ? $root.etcdserverpb.AlarmType[message.alarm] === undefined ? message.alarm : $root.etcdserverpb.AlarmType[message.alarm] : message.alarm;
            return object;
        };

        AlarmRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        AlarmRequest.AlarmAction = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "GET"] = 0;
            values[valuesById[1] = "ACTIVATE"] = 1;
            values[valuesById[2] = "DEACTIVATE"] = 2;
            return values;
        })();

        return AlarmRequest;
    })();

    etcdserverpb.AlarmMember = (function() {

        function AlarmMember(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AlarmMember.prototype.memberID = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        AlarmMember.prototype.alarm = 0;

        AlarmMember.create = function create(properties) {
            return new AlarmMember(properties);
        };

        AlarmMember.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.memberID != null && Object.hasOwnProperty.call(message, "memberID"))
                writer.uint32(8).uint64(message.memberID);
            if (message.alarm != null && Object.hasOwnProperty.call(message, "alarm"))
                writer.uint32(16).int32(message.alarm);
            return writer;
        };

        AlarmMember.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AlarmMember();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.memberID = reader.uint64();
                        break;
                    }
                case 2: {
                        message.alarm = reader.int32();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AlarmMember.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AlarmMember)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AlarmMember: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AlarmMember();
            if (object.memberID != null)
                if ($util.Long)
                    message.memberID = $util.Long.fromValue(object.memberID, true);
                else if (typeof object.memberID === "string")
                    message.memberID = parseInt(object.memberID, 10);
                else if (typeof object.memberID === "number")
                    message.memberID = object.memberID;
                else if (typeof object.memberID === "object")
                    message.memberID = new $util.LongBits(object.memberID.low >>> 0, object.memberID.high >>> 0).toNumber(true);
            switch (object.alarm) {
            default:
                if (typeof object.alarm === "number") {
                    message.alarm = object.alarm;
                    break;
                }
                break;
            case "NONE":
            case 0:
                message.alarm = 0;
                break;
            case "NOSPACE":
            case 1:
                message.alarm = 1;
                break;
            case "CORRUPT":
            case 2:
                message.alarm = 2;
                break;
            }
            return message;
        };

        AlarmMember.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.memberID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.memberID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.alarm = options.enums === String ? "NONE" : 0;
            }
            if (message.memberID != null && Object.hasOwnProperty.call(message, "memberID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.memberID = typeof message.memberID === "number" ? BigInt(message.memberID) : $util.Long.fromBits(message.memberID.low >>> 0, message.memberID.high >>> 0, true).toBigInt();
                else if (typeof message.memberID === "number")
                    object.memberID = options.longs === String ? String(message.memberID) : message.memberID;
                else
                    object.memberID = options.longs === String ? $util.Long.prototype.toString.call(message.memberID) : options.longs === Number ? new $util.LongBits(message.memberID.low >>> 0, message.memberID.high >>> 0).toNumber(true) : message.memberID;
            if (message.alarm != null && Object.hasOwnProperty.call(message, "alarm"))
                object.alarm = options.enums === String ? $root.etcdserverpb.AlarmType[message.alarm] === undefined ? message.alarm : $root.etcdserverpb.AlarmType[message.alarm] : message.alarm;
            return object;
        };

        AlarmMember.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AlarmMember;
    })();

    etcdserverpb.AlarmResponse = (function() {

        function AlarmResponse(properties) {
            this.alarms = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AlarmResponse.prototype.header = null;
        AlarmResponse.prototype.alarms = $util.emptyArray;

        AlarmResponse.create = function create(properties) {
            return new AlarmResponse(properties);
        };

        AlarmResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.alarms != null && message.alarms.length)
                for (var i = 0; i < message.alarms.length; ++i)
                    $root.etcdserverpb.AlarmMember.encode(message.alarms[i], writer.uint32(18).fork(), q + 1).ldelim();
            return writer;
        };

        AlarmResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AlarmResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        if (!(message.alarms && message.alarms.length))
                            message.alarms = [];
                        message.alarms.push($root.etcdserverpb.AlarmMember.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AlarmResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AlarmResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AlarmResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AlarmResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AlarmResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.alarms) {
                if (!Array.isArray(object.alarms))
                    throw TypeError(".etcdserverpb.AlarmResponse.alarms: array expected");
                message.alarms = [];
                for (var i = 0; i < object.alarms.length; ++i) {
                    if (!$util.isObject(object.alarms[i]))
                        throw TypeError(".etcdserverpb.AlarmResponse.alarms: object expected");
                    message.alarms[i] = $root.etcdserverpb.AlarmMember.fromObject(object.alarms[i], long + 1);
                }
            }
            return message;
        };

        AlarmResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.alarms = [];
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.alarms && message.alarms.length) {
                object.alarms = [];
                for (var j = 0; j < message.alarms.length; ++j)
                    object.alarms[j] = $root.etcdserverpb.AlarmMember.toObject(message.alarms[j], options, q + 1);
            }
            return object;
        };

        AlarmResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AlarmResponse;
    })();

    etcdserverpb.StatusRequest = (function() {

        function StatusRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        StatusRequest.create = function create(properties) {
            return new StatusRequest(properties);
        };

        StatusRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        StatusRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.StatusRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        StatusRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.StatusRequest)
                return object;
            return new $root.etcdserverpb.StatusRequest();
        };

        StatusRequest.toObject = function toObject() {
            return {};
        };

        StatusRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return StatusRequest;
    })();

    etcdserverpb.StatusResponse = (function() {

        function StatusResponse(properties) {
            this.errors = [];
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        StatusResponse.prototype.header = null;
        StatusResponse.prototype.version = "";
        StatusResponse.prototype.dbSize = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        StatusResponse.prototype.leader = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        StatusResponse.prototype.raftIndex = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        StatusResponse.prototype.raftTerm = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        StatusResponse.prototype.raftAppliedIndex = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        StatusResponse.prototype.errors = $util.emptyArray;
        StatusResponse.prototype.dbSizeInUse = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        StatusResponse.prototype.isLearner = false;

        StatusResponse.create = function create(properties) {
            return new StatusResponse(properties);
        };

        StatusResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                writer.uint32(18).string(message.version);
            if (message.dbSize != null && Object.hasOwnProperty.call(message, "dbSize"))
                writer.uint32(24).int64(message.dbSize);
            if (message.leader != null && Object.hasOwnProperty.call(message, "leader"))
                writer.uint32(32).uint64(message.leader);
            if (message.raftIndex != null && Object.hasOwnProperty.call(message, "raftIndex"))
                writer.uint32(40).uint64(message.raftIndex);
            if (message.raftTerm != null && Object.hasOwnProperty.call(message, "raftTerm"))
                writer.uint32(48).uint64(message.raftTerm);
            if (message.raftAppliedIndex != null && Object.hasOwnProperty.call(message, "raftAppliedIndex"))
                writer.uint32(56).uint64(message.raftAppliedIndex);
            if (message.errors != null && message.errors.length)
                for (var i = 0; i < message.errors.length; ++i)
                    writer.uint32(66).string(message.errors[i]);
            if (message.dbSizeInUse != null && Object.hasOwnProperty.call(message, "dbSizeInUse"))
                writer.uint32(72).int64(message.dbSizeInUse);
            if (message.isLearner != null && Object.hasOwnProperty.call(message, "isLearner"))
                writer.uint32(80).bool(message.isLearner);
            return writer;
        };

        StatusResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.StatusResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.version = reader.string();
                        break;
                    }
                case 3: {
                        message.dbSize = reader.int64();
                        break;
                    }
                case 4: {
                        message.leader = reader.uint64();
                        break;
                    }
                case 5: {
                        message.raftIndex = reader.uint64();
                        break;
                    }
                case 6: {
                        message.raftTerm = reader.uint64();
                        break;
                    }
                case 7: {
                        message.raftAppliedIndex = reader.uint64();
                        break;
                    }
                case 8: {
                        if (!(message.errors && message.errors.length))
                            message.errors = [];
                        message.errors.push(reader.string());
                        break;
                    }
                case 9: {
                        message.dbSizeInUse = reader.int64();
                        break;
                    }
                case 10: {
                        message.isLearner = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        StatusResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.StatusResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.StatusResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.StatusResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.StatusResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.version != null)
                message.version = String(object.version);
            if (object.dbSize != null)
                if ($util.Long)
                    message.dbSize = $util.Long.fromValue(object.dbSize, false);
                else if (typeof object.dbSize === "string")
                    message.dbSize = parseInt(object.dbSize, 10);
                else if (typeof object.dbSize === "number")
                    message.dbSize = object.dbSize;
                else if (typeof object.dbSize === "object")
                    message.dbSize = new $util.LongBits(object.dbSize.low >>> 0, object.dbSize.high >>> 0).toNumber();
            if (object.leader != null)
                if ($util.Long)
                    message.leader = $util.Long.fromValue(object.leader, true);
                else if (typeof object.leader === "string")
                    message.leader = parseInt(object.leader, 10);
                else if (typeof object.leader === "number")
                    message.leader = object.leader;
                else if (typeof object.leader === "object")
                    message.leader = new $util.LongBits(object.leader.low >>> 0, object.leader.high >>> 0).toNumber(true);
            if (object.raftIndex != null)
                if ($util.Long)
                    message.raftIndex = $util.Long.fromValue(object.raftIndex, true);
                else if (typeof object.raftIndex === "string")
                    message.raftIndex = parseInt(object.raftIndex, 10);
                else if (typeof object.raftIndex === "number")
                    message.raftIndex = object.raftIndex;
                else if (typeof object.raftIndex === "object")
                    message.raftIndex = new $util.LongBits(object.raftIndex.low >>> 0, object.raftIndex.high >>> 0).toNumber(true);
            if (object.raftTerm != null)
                if ($util.Long)
                    message.raftTerm = $util.Long.fromValue(object.raftTerm, true);
                else if (typeof object.raftTerm === "string")
                    message.raftTerm = parseInt(object.raftTerm, 10);
                else if (typeof object.raftTerm === "number")
                    message.raftTerm = object.raftTerm;
                else if (typeof object.raftTerm === "object")
                    message.raftTerm = new $util.LongBits(object.raftTerm.low >>> 0, object.raftTerm.high >>> 0).toNumber(true);
            if (object.raftAppliedIndex != null)
                if ($util.Long)
                    message.raftAppliedIndex = $util.Long.fromValue(object.raftAppliedIndex, true);
                else if (typeof object.raftAppliedIndex === "string")
                    message.raftAppliedIndex = parseInt(object.raftAppliedIndex, 10);
                else if (typeof object.raftAppliedIndex === "number")
                    message.raftAppliedIndex = object.raftAppliedIndex;
                else if (typeof object.raftAppliedIndex === "object")
                    message.raftAppliedIndex = new $util.LongBits(object.raftAppliedIndex.low >>> 0, object.raftAppliedIndex.high >>> 0).toNumber(true);
            if (object.errors) {
                if (!Array.isArray(object.errors))
                    throw TypeError(".etcdserverpb.StatusResponse.errors: array expected");
                message.errors = [];
                for (var i = 0; i < object.errors.length; ++i)
                    message.errors[i] = String(object.errors[i]);
            }
            if (object.dbSizeInUse != null)
                if ($util.Long)
                    message.dbSizeInUse = $util.Long.fromValue(object.dbSizeInUse, false);
                else if (typeof object.dbSizeInUse === "string")
                    message.dbSizeInUse = parseInt(object.dbSizeInUse, 10);
                else if (typeof object.dbSizeInUse === "number")
                    message.dbSizeInUse = object.dbSizeInUse;
                else if (typeof object.dbSizeInUse === "object")
                    message.dbSizeInUse = new $util.LongBits(object.dbSizeInUse.low >>> 0, object.dbSizeInUse.high >>> 0).toNumber();
            if (object.isLearner != null)
                message.isLearner = Boolean(object.isLearner);
            return message;
        };

        StatusResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.arrays || options.defaults)
                object.errors = [];
            if (options.defaults) {
                object.header = null;
                object.version = "";
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.dbSize = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.dbSize = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.leader = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.leader = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.raftIndex = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.raftIndex = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.raftTerm = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.raftTerm = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.raftAppliedIndex = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.raftAppliedIndex = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.dbSizeInUse = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.dbSizeInUse = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.isLearner = false;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                object.version = message.version;
            if (message.dbSize != null && Object.hasOwnProperty.call(message, "dbSize"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.dbSize = typeof message.dbSize === "number" ? BigInt(message.dbSize) : $util.Long.fromBits(message.dbSize.low >>> 0, message.dbSize.high >>> 0, false).toBigInt();
                else if (typeof message.dbSize === "number")
                    object.dbSize = options.longs === String ? String(message.dbSize) : message.dbSize;
                else
                    object.dbSize = options.longs === String ? $util.Long.prototype.toString.call(message.dbSize) : options.longs === Number ? new $util.LongBits(message.dbSize.low >>> 0, message.dbSize.high >>> 0).toNumber() : message.dbSize;
            if (message.leader != null && Object.hasOwnProperty.call(message, "leader"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.leader = typeof message.leader === "number" ? BigInt(message.leader) : $util.Long.fromBits(message.leader.low >>> 0, message.leader.high >>> 0, true).toBigInt();
                else if (typeof message.leader === "number")
                    object.leader = options.longs === String ? String(message.leader) : message.leader;
                else
                    object.leader = options.longs === String ? $util.Long.prototype.toString.call(message.leader) : options.longs === Number ? new $util.LongBits(message.leader.low >>> 0, message.leader.high >>> 0).toNumber(true) : message.leader;
            if (message.raftIndex != null && Object.hasOwnProperty.call(message, "raftIndex"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.raftIndex = typeof message.raftIndex === "number" ? BigInt(message.raftIndex) : $util.Long.fromBits(message.raftIndex.low >>> 0, message.raftIndex.high >>> 0, true).toBigInt();
                else if (typeof message.raftIndex === "number")
                    object.raftIndex = options.longs === String ? String(message.raftIndex) : message.raftIndex;
                else
                    object.raftIndex = options.longs === String ? $util.Long.prototype.toString.call(message.raftIndex) : options.longs === Number ? new $util.LongBits(message.raftIndex.low >>> 0, message.raftIndex.high >>> 0).toNumber(true) : message.raftIndex;
            if (message.raftTerm != null && Object.hasOwnProperty.call(message, "raftTerm"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.raftTerm = typeof message.raftTerm === "number" ? BigInt(message.raftTerm) : $util.Long.fromBits(message.raftTerm.low >>> 0, message.raftTerm.high >>> 0, true).toBigInt();
                else if (typeof message.raftTerm === "number")
                    object.raftTerm = options.longs === String ? String(message.raftTerm) : message.raftTerm;
                else
                    object.raftTerm = options.longs === String ? $util.Long.prototype.toString.call(message.raftTerm) : options.longs === Number ? new $util.LongBits(message.raftTerm.low >>> 0, message.raftTerm.high >>> 0).toNumber(true) : message.raftTerm;
            if (message.raftAppliedIndex != null && Object.hasOwnProperty.call(message, "raftAppliedIndex"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.raftAppliedIndex = typeof message.raftAppliedIndex === "number" ? BigInt(message.raftAppliedIndex) : $util.Long.fromBits(message.raftAppliedIndex.low >>> 0, message.raftAppliedIndex.high >>> 0, true).toBigInt();
                else if (typeof message.raftAppliedIndex === "number")
                    object.raftAppliedIndex = options.longs === String ? String(message.raftAppliedIndex) : message.raftAppliedIndex;
                else
                    object.raftAppliedIndex = options.longs === String ? $util.Long.prototype.toString.call(message.raftAppliedIndex) : options.longs === Number ? new $util.LongBits(message.raftAppliedIndex.low >>> 0, message.raftAppliedIndex.high >>> 0).toNumber(true) : message.raftAppliedIndex;
            if (message.errors && message.errors.length) {
                object.errors = [];
                for (var j = 0; j < message.errors.length; ++j)
                    object.errors[j] = message.errors[j];
            }
            if (message.dbSizeInUse != null && Object.hasOwnProperty.call(message, "dbSizeInUse"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.dbSizeInUse = typeof message.dbSizeInUse === "number" ? BigInt(message.dbSizeInUse) : $util.Long.fromBits(message.dbSizeInUse.low >>> 0, message.dbSizeInUse.high >>> 0, false).toBigInt();
                else if (typeof message.dbSizeInUse === "number")
                    object.dbSizeInUse = options.longs === String ? String(message.dbSizeInUse) : message.dbSizeInUse;
                else
                    object.dbSizeInUse = options.longs === String ? $util.Long.prototype.toString.call(message.dbSizeInUse) : options.longs === Number ? new $util.LongBits(message.dbSizeInUse.low >>> 0, message.dbSizeInUse.high >>> 0).toNumber() : message.dbSizeInUse;
            if (message.isLearner != null && Object.hasOwnProperty.call(message, "isLearner"))
                object.isLearner = message.isLearner;
            return object;
        };

        StatusResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return StatusResponse;
    })();

    etcdserverpb.DefragmentRequest = (function() {

        function DefragmentRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        DefragmentRequest.create = function create(properties) {
            return new DefragmentRequest(properties);
        };

        DefragmentRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        DefragmentRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.DefragmentRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        DefragmentRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.DefragmentRequest)
                return object;
            return new $root.etcdserverpb.DefragmentRequest();
        };

        DefragmentRequest.toObject = function toObject() {
            return {};
        };

        DefragmentRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return DefragmentRequest;
    })();

    etcdserverpb.DefragmentResponse = (function() {

        function DefragmentResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        DefragmentResponse.prototype.header = null;

        DefragmentResponse.create = function create(properties) {
            return new DefragmentResponse(properties);
        };

        DefragmentResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        DefragmentResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.DefragmentResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        DefragmentResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.DefragmentResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.DefragmentResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.DefragmentResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.DefragmentResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        DefragmentResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        DefragmentResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return DefragmentResponse;
    })();

    etcdserverpb.HashRequest = (function() {

        function HashRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        HashRequest.create = function create(properties) {
            return new HashRequest(properties);
        };

        HashRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        HashRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.HashRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        HashRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.HashRequest)
                return object;
            return new $root.etcdserverpb.HashRequest();
        };

        HashRequest.toObject = function toObject() {
            return {};
        };

        HashRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return HashRequest;
    })();

    etcdserverpb.HashResponse = (function() {

        function HashResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        HashResponse.prototype.header = null;
        HashResponse.prototype.hash = 0;

        HashResponse.create = function create(properties) {
            return new HashResponse(properties);
        };

        HashResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.hash != null && Object.hasOwnProperty.call(message, "hash"))
                writer.uint32(16).uint32(message.hash);
            return writer;
        };

        HashResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.HashResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.hash = reader.uint32();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        HashResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.HashResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.HashResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.HashResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.HashResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.hash != null)
                message.hash = object.hash >>> 0;
            return message;
        };

        HashResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.header = null;
                object.hash = 0;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.hash != null && Object.hasOwnProperty.call(message, "hash"))
                object.hash = message.hash;
            return object;
        };

        HashResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return HashResponse;
    })();

    etcdserverpb.HashKVRequest = (function() {

        function HashKVRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        HashKVRequest.prototype.revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        HashKVRequest.create = function create(properties) {
            return new HashKVRequest(properties);
        };

        HashKVRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.revision != null && Object.hasOwnProperty.call(message, "revision"))
                writer.uint32(8).int64(message.revision);
            return writer;
        };

        HashKVRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.HashKVRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.revision = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        HashKVRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.HashKVRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.HashKVRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.HashKVRequest();
            if (object.revision != null)
                if ($util.Long)
                    message.revision = $util.Long.fromValue(object.revision, false);
                else if (typeof object.revision === "string")
                    message.revision = parseInt(object.revision, 10);
                else if (typeof object.revision === "number")
                    message.revision = object.revision;
                else if (typeof object.revision === "object")
                    message.revision = new $util.LongBits(object.revision.low >>> 0, object.revision.high >>> 0).toNumber();
            return message;
        };

        HashKVRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.revision != null && Object.hasOwnProperty.call(message, "revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.revision = typeof message.revision === "number" ? BigInt(message.revision) : $util.Long.fromBits(message.revision.low >>> 0, message.revision.high >>> 0, false).toBigInt();
                else if (typeof message.revision === "number")
                    object.revision = options.longs === String ? String(message.revision) : message.revision;
                else
                    object.revision = options.longs === String ? $util.Long.prototype.toString.call(message.revision) : options.longs === Number ? new $util.LongBits(message.revision.low >>> 0, message.revision.high >>> 0).toNumber() : message.revision;
            return object;
        };

        HashKVRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return HashKVRequest;
    })();

    etcdserverpb.HashKVResponse = (function() {

        function HashKVResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        HashKVResponse.prototype.header = null;
        HashKVResponse.prototype.hash = 0;
        HashKVResponse.prototype.compact_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        HashKVResponse.create = function create(properties) {
            return new HashKVResponse(properties);
        };

        HashKVResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.hash != null && Object.hasOwnProperty.call(message, "hash"))
                writer.uint32(16).uint32(message.hash);
            if (message.compact_revision != null && Object.hasOwnProperty.call(message, "compact_revision"))
                writer.uint32(24).int64(message.compact_revision);
            return writer;
        };

        HashKVResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.HashKVResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.hash = reader.uint32();
                        break;
                    }
                case 3: {
                        message.compact_revision = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        HashKVResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.HashKVResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.HashKVResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.HashKVResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.HashKVResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.hash != null)
                message.hash = object.hash >>> 0;
            if (object.compact_revision != null)
                if ($util.Long)
                    message.compact_revision = $util.Long.fromValue(object.compact_revision, false);
                else if (typeof object.compact_revision === "string")
                    message.compact_revision = parseInt(object.compact_revision, 10);
                else if (typeof object.compact_revision === "number")
                    message.compact_revision = object.compact_revision;
                else if (typeof object.compact_revision === "object")
                    message.compact_revision = new $util.LongBits(object.compact_revision.low >>> 0, object.compact_revision.high >>> 0).toNumber();
            return message;
        };

        HashKVResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.header = null;
                object.hash = 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.compact_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.compact_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.hash != null && Object.hasOwnProperty.call(message, "hash"))
                object.hash = message.hash;
            if (message.compact_revision != null && Object.hasOwnProperty.call(message, "compact_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.compact_revision = typeof message.compact_revision === "number" ? BigInt(message.compact_revision) : $util.Long.fromBits(message.compact_revision.low >>> 0, message.compact_revision.high >>> 0, false).toBigInt();
                else if (typeof message.compact_revision === "number")
                    object.compact_revision = options.longs === String ? String(message.compact_revision) : message.compact_revision;
                else
                    object.compact_revision = options.longs === String ? $util.Long.prototype.toString.call(message.compact_revision) : options.longs === Number ? new $util.LongBits(message.compact_revision.low >>> 0, message.compact_revision.high >>> 0).toNumber() : message.compact_revision;
            return object;
        };

        HashKVResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return HashKVResponse;
    })();

    etcdserverpb.SnapshotRequest = (function() {

        function SnapshotRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        SnapshotRequest.create = function create(properties) {
            return new SnapshotRequest(properties);
        };

        SnapshotRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        SnapshotRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.SnapshotRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        SnapshotRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.SnapshotRequest)
                return object;
            return new $root.etcdserverpb.SnapshotRequest();
        };

        SnapshotRequest.toObject = function toObject() {
            return {};
        };

        SnapshotRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return SnapshotRequest;
    })();

    etcdserverpb.SnapshotResponse = (function() {

        function SnapshotResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        SnapshotResponse.prototype.header = null;
        SnapshotResponse.prototype.remaining_bytes = $util.Long ? $util.Long.fromBits(0,0,true) : 0;
        SnapshotResponse.prototype.blob = $util.newBuffer([]);

        SnapshotResponse.create = function create(properties) {
            return new SnapshotResponse(properties);
        };

        SnapshotResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.remaining_bytes != null && Object.hasOwnProperty.call(message, "remaining_bytes"))
                writer.uint32(16).uint64(message.remaining_bytes);
            if (message.blob != null && Object.hasOwnProperty.call(message, "blob"))
                writer.uint32(26).bytes(message.blob);
            return writer;
        };

        SnapshotResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.SnapshotResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.remaining_bytes = reader.uint64();
                        break;
                    }
                case 3: {
                        message.blob = reader.bytes();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        SnapshotResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.SnapshotResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.SnapshotResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.SnapshotResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.SnapshotResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.remaining_bytes != null)
                if ($util.Long)
                    message.remaining_bytes = $util.Long.fromValue(object.remaining_bytes, true);
                else if (typeof object.remaining_bytes === "string")
                    message.remaining_bytes = parseInt(object.remaining_bytes, 10);
                else if (typeof object.remaining_bytes === "number")
                    message.remaining_bytes = object.remaining_bytes;
                else if (typeof object.remaining_bytes === "object")
                    message.remaining_bytes = new $util.LongBits(object.remaining_bytes.low >>> 0, object.remaining_bytes.high >>> 0).toNumber(true);
            if (object.blob != null)
                if (typeof object.blob === "string")
                    $util.base64.decode(object.blob, message.blob = $util.newBuffer($util.base64.length(object.blob)), 0);
                else if (object.blob.length >= 0)
                    message.blob = object.blob;
            return message;
        };

        SnapshotResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.header = null;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.remaining_bytes = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.remaining_bytes = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if (options.bytes === String)
                    object.blob = "";
                else {
                    object.blob = [];
                    if (options.bytes !== Array)
                        object.blob = $util.newBuffer(object.blob);
                }
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.remaining_bytes != null && Object.hasOwnProperty.call(message, "remaining_bytes"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.remaining_bytes = typeof message.remaining_bytes === "number" ? BigInt(message.remaining_bytes) : $util.Long.fromBits(message.remaining_bytes.low >>> 0, message.remaining_bytes.high >>> 0, true).toBigInt();
                else if (typeof message.remaining_bytes === "number")
                    object.remaining_bytes = options.longs === String ? String(message.remaining_bytes) : message.remaining_bytes;
                else
                    object.remaining_bytes = options.longs === String ? $util.Long.prototype.toString.call(message.remaining_bytes) : options.longs === Number ? new $util.LongBits(message.remaining_bytes.low >>> 0, message.remaining_bytes.high >>> 0).toNumber(true) : message.remaining_bytes;
            if (message.blob != null && Object.hasOwnProperty.call(message, "blob"))
                object.blob = options.bytes === String ? $util.base64.encode(message.blob, 0, message.blob.length) : options.bytes === Array ? Array.prototype.slice.call(message.blob) : message.blob;
            return object;
        };

        SnapshotResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return SnapshotResponse;
    })();

    etcdserverpb.MoveLeaderRequest = (function() {

        function MoveLeaderRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MoveLeaderRequest.prototype.targetID = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        MoveLeaderRequest.create = function create(properties) {
            return new MoveLeaderRequest(properties);
        };

        MoveLeaderRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.targetID != null && Object.hasOwnProperty.call(message, "targetID"))
                writer.uint32(8).uint64(message.targetID);
            return writer;
        };

        MoveLeaderRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MoveLeaderRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.targetID = reader.uint64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MoveLeaderRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MoveLeaderRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MoveLeaderRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MoveLeaderRequest();
            if (object.targetID != null)
                if ($util.Long)
                    message.targetID = $util.Long.fromValue(object.targetID, true);
                else if (typeof object.targetID === "string")
                    message.targetID = parseInt(object.targetID, 10);
                else if (typeof object.targetID === "number")
                    message.targetID = object.targetID;
                else if (typeof object.targetID === "object")
                    message.targetID = new $util.LongBits(object.targetID.low >>> 0, object.targetID.high >>> 0).toNumber(true);
            return message;
        };

        MoveLeaderRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                if ($util.Long) {
                    var long = new $util.Long(0, 0, true);
                    object.targetID = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.targetID = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.targetID != null && Object.hasOwnProperty.call(message, "targetID"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.targetID = typeof message.targetID === "number" ? BigInt(message.targetID) : $util.Long.fromBits(message.targetID.low >>> 0, message.targetID.high >>> 0, true).toBigInt();
                else if (typeof message.targetID === "number")
                    object.targetID = options.longs === String ? String(message.targetID) : message.targetID;
                else
                    object.targetID = options.longs === String ? $util.Long.prototype.toString.call(message.targetID) : options.longs === Number ? new $util.LongBits(message.targetID.low >>> 0, message.targetID.high >>> 0).toNumber(true) : message.targetID;
            return object;
        };

        MoveLeaderRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MoveLeaderRequest;
    })();

    etcdserverpb.MoveLeaderResponse = (function() {

        function MoveLeaderResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        MoveLeaderResponse.prototype.header = null;

        MoveLeaderResponse.create = function create(properties) {
            return new MoveLeaderResponse(properties);
        };

        MoveLeaderResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        MoveLeaderResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.MoveLeaderResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        MoveLeaderResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.MoveLeaderResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.MoveLeaderResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.MoveLeaderResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.MoveLeaderResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        MoveLeaderResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        MoveLeaderResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return MoveLeaderResponse;
    })();

    etcdserverpb.AuthEnableRequest = (function() {

        function AuthEnableRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthEnableRequest.create = function create(properties) {
            return new AuthEnableRequest(properties);
        };

        AuthEnableRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        AuthEnableRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthEnableRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthEnableRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthEnableRequest)
                return object;
            return new $root.etcdserverpb.AuthEnableRequest();
        };

        AuthEnableRequest.toObject = function toObject() {
            return {};
        };

        AuthEnableRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthEnableRequest;
    })();

    etcdserverpb.AuthEnableResponse = (function() {

        function AuthEnableResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthEnableResponse.prototype.header = null;

        AuthEnableResponse.create = function create(properties) {
            return new AuthEnableResponse(properties);
        };

        AuthEnableResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        AuthEnableResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthEnableResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthEnableResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthEnableResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthEnableResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthEnableResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AuthEnableResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        AuthEnableResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        AuthEnableResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthEnableResponse;
    })();

    etcdserverpb.AuthDisableRequest = (function() {

        function AuthDisableRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthDisableRequest.create = function create(properties) {
            return new AuthDisableRequest(properties);
        };

        AuthDisableRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            return writer;
        };

        AuthDisableRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthDisableRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthDisableRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthDisableRequest)
                return object;
            return new $root.etcdserverpb.AuthDisableRequest();
        };

        AuthDisableRequest.toObject = function toObject() {
            return {};
        };

        AuthDisableRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthDisableRequest;
    })();

    etcdserverpb.AuthDisableResponse = (function() {

        function AuthDisableResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthDisableResponse.prototype.header = null;

        AuthDisableResponse.create = function create(properties) {
            return new AuthDisableResponse(properties);
        };

        AuthDisableResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        AuthDisableResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthDisableResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthDisableResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthDisableResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthDisableResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthDisableResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AuthDisableResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        AuthDisableResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        AuthDisableResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthDisableResponse;
    })();

    etcdserverpb.AuthenticateRequest = (function() {

        function AuthenticateRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthenticateRequest.prototype.name = "";
        AuthenticateRequest.prototype.password = "";

        AuthenticateRequest.create = function create(properties) {
            return new AuthenticateRequest(properties);
        };

        AuthenticateRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                writer.uint32(10).string(message.name);
            if (message.password != null && Object.hasOwnProperty.call(message, "password"))
                writer.uint32(18).string(message.password);
            return writer;
        };

        AuthenticateRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthenticateRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.name = reader.string();
                        break;
                    }
                case 2: {
                        message.password = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthenticateRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthenticateRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthenticateRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthenticateRequest();
            if (object.name != null)
                message.name = String(object.name);
            if (object.password != null)
                message.password = String(object.password);
            return message;
        };

        AuthenticateRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.name = "";
                object.password = "";
            }
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                object.name = message.name;
            if (message.password != null && Object.hasOwnProperty.call(message, "password"))
                object.password = message.password;
            return object;
        };

        AuthenticateRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthenticateRequest;
    })();

    etcdserverpb.AuthenticateResponse = (function() {

        function AuthenticateResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthenticateResponse.prototype.header = null;
        AuthenticateResponse.prototype.token = "";

        AuthenticateResponse.create = function create(properties) {
            return new AuthenticateResponse(properties);
        };

        AuthenticateResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            if (message.token != null && Object.hasOwnProperty.call(message, "token"))
                writer.uint32(18).string(message.token);
            return writer;
        };

        AuthenticateResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthenticateResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.token = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthenticateResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthenticateResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthenticateResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthenticateResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AuthenticateResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            if (object.token != null)
                message.token = String(object.token);
            return message;
        };

        AuthenticateResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.header = null;
                object.token = "";
            }
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            if (message.token != null && Object.hasOwnProperty.call(message, "token"))
                object.token = message.token;
            return object;
        };

        AuthenticateResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthenticateResponse;
    })();

    etcdserverpb.AuthUserAddRequest = (function() {

        function AuthUserAddRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthUserAddRequest.prototype.name = "";
        AuthUserAddRequest.prototype.password = "";
        AuthUserAddRequest.prototype.options = null;

        AuthUserAddRequest.create = function create(properties) {
            return new AuthUserAddRequest(properties);
        };

        AuthUserAddRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                writer.uint32(10).string(message.name);
            if (message.password != null && Object.hasOwnProperty.call(message, "password"))
                writer.uint32(18).string(message.password);
            if (message.options != null && Object.hasOwnProperty.call(message, "options"))
                $root.authpb.UserAddOptions.encode(message.options, writer.uint32(26).fork(), q + 1).ldelim();
            return writer;
        };

        AuthUserAddRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthUserAddRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.name = reader.string();
                        break;
                    }
                case 2: {
                        message.password = reader.string();
                        break;
                    }
                case 3: {
                        message.options = $root.authpb.UserAddOptions.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthUserAddRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthUserAddRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthUserAddRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthUserAddRequest();
            if (object.name != null)
                message.name = String(object.name);
            if (object.password != null)
                message.password = String(object.password);
            if (object.options != null) {
                if (!$util.isObject(object.options))
                    throw TypeError(".etcdserverpb.AuthUserAddRequest.options: object expected");
                message.options = $root.authpb.UserAddOptions.fromObject(object.options, long + 1);
            }
            return message;
        };

        AuthUserAddRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.name = "";
                object.password = "";
                object.options = null;
            }
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                object.name = message.name;
            if (message.password != null && Object.hasOwnProperty.call(message, "password"))
                object.password = message.password;
            if (message.options != null && Object.hasOwnProperty.call(message, "options"))
                object.options = $root.authpb.UserAddOptions.toObject(message.options, options, q + 1);
            return object;
        };

        AuthUserAddRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthUserAddRequest;
    })();

    etcdserverpb.AuthUserAddResponse = (function() {

        function AuthUserAddResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthUserAddResponse.prototype.header = null;

        AuthUserAddResponse.create = function create(properties) {
            return new AuthUserAddResponse(properties);
        };

        AuthUserAddResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        AuthUserAddResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthUserAddResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthUserAddResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthUserAddResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthUserAddResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthUserAddResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AuthUserAddResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        AuthUserAddResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        AuthUserAddResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthUserAddResponse;
    })();

    etcdserverpb.AuthUserChangePasswordRequest = (function() {

        function AuthUserChangePasswordRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthUserChangePasswordRequest.prototype.name = "";
        AuthUserChangePasswordRequest.prototype.password = "";

        AuthUserChangePasswordRequest.create = function create(properties) {
            return new AuthUserChangePasswordRequest(properties);
        };

        AuthUserChangePasswordRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                writer.uint32(10).string(message.name);
            if (message.password != null && Object.hasOwnProperty.call(message, "password"))
                writer.uint32(18).string(message.password);
            return writer;
        };

        AuthUserChangePasswordRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthUserChangePasswordRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.name = reader.string();
                        break;
                    }
                case 2: {
                        message.password = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthUserChangePasswordRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthUserChangePasswordRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthUserChangePasswordRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthUserChangePasswordRequest();
            if (object.name != null)
                message.name = String(object.name);
            if (object.password != null)
                message.password = String(object.password);
            return message;
        };

        AuthUserChangePasswordRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.name = "";
                object.password = "";
            }
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                object.name = message.name;
            if (message.password != null && Object.hasOwnProperty.call(message, "password"))
                object.password = message.password;
            return object;
        };

        AuthUserChangePasswordRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthUserChangePasswordRequest;
    })();

    etcdserverpb.AuthUserChangePasswordResponse = (function() {

        function AuthUserChangePasswordResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthUserChangePasswordResponse.prototype.header = null;

        AuthUserChangePasswordResponse.create = function create(properties) {
            return new AuthUserChangePasswordResponse(properties);
        };

        AuthUserChangePasswordResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        AuthUserChangePasswordResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthUserChangePasswordResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthUserChangePasswordResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthUserChangePasswordResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthUserChangePasswordResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthUserChangePasswordResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AuthUserChangePasswordResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        AuthUserChangePasswordResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        AuthUserChangePasswordResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthUserChangePasswordResponse;
    })();

    etcdserverpb.AuthUserGrantRoleRequest = (function() {

        function AuthUserGrantRoleRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthUserGrantRoleRequest.prototype.user = "";
        AuthUserGrantRoleRequest.prototype.role = "";

        AuthUserGrantRoleRequest.create = function create(properties) {
            return new AuthUserGrantRoleRequest(properties);
        };

        AuthUserGrantRoleRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.user != null && Object.hasOwnProperty.call(message, "user"))
                writer.uint32(10).string(message.user);
            if (message.role != null && Object.hasOwnProperty.call(message, "role"))
                writer.uint32(18).string(message.role);
            return writer;
        };

        AuthUserGrantRoleRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthUserGrantRoleRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.user = reader.string();
                        break;
                    }
                case 2: {
                        message.role = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthUserGrantRoleRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthUserGrantRoleRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthUserGrantRoleRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthUserGrantRoleRequest();
            if (object.user != null)
                message.user = String(object.user);
            if (object.role != null)
                message.role = String(object.role);
            return message;
        };

        AuthUserGrantRoleRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.user = "";
                object.role = "";
            }
            if (message.user != null && Object.hasOwnProperty.call(message, "user"))
                object.user = message.user;
            if (message.role != null && Object.hasOwnProperty.call(message, "role"))
                object.role = message.role;
            return object;
        };

        AuthUserGrantRoleRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthUserGrantRoleRequest;
    })();

    etcdserverpb.AuthUserGrantRoleResponse = (function() {

        function AuthUserGrantRoleResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthUserGrantRoleResponse.prototype.header = null;

        AuthUserGrantRoleResponse.create = function create(properties) {
            return new AuthUserGrantRoleResponse(properties);
        };

        AuthUserGrantRoleResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        AuthUserGrantRoleResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthUserGrantRoleResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthUserGrantRoleResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthUserGrantRoleResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthUserGrantRoleResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthUserGrantRoleResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AuthUserGrantRoleResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        AuthUserGrantRoleResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        AuthUserGrantRoleResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthUserGrantRoleResponse;
    })();

    etcdserverpb.AuthRoleAddRequest = (function() {

        function AuthRoleAddRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthRoleAddRequest.prototype.name = "";

        AuthRoleAddRequest.create = function create(properties) {
            return new AuthRoleAddRequest(properties);
        };

        AuthRoleAddRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                writer.uint32(10).string(message.name);
            return writer;
        };

        AuthRoleAddRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthRoleAddRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.name = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthRoleAddRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthRoleAddRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthRoleAddRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthRoleAddRequest();
            if (object.name != null)
                message.name = String(object.name);
            return message;
        };

        AuthRoleAddRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.name = "";
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                object.name = message.name;
            return object;
        };

        AuthRoleAddRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthRoleAddRequest;
    })();

    etcdserverpb.AuthRoleAddResponse = (function() {

        function AuthRoleAddResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthRoleAddResponse.prototype.header = null;

        AuthRoleAddResponse.create = function create(properties) {
            return new AuthRoleAddResponse(properties);
        };

        AuthRoleAddResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        AuthRoleAddResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthRoleAddResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthRoleAddResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthRoleAddResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthRoleAddResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthRoleAddResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AuthRoleAddResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        AuthRoleAddResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        AuthRoleAddResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthRoleAddResponse;
    })();

    etcdserverpb.AuthRoleGrantPermissionRequest = (function() {

        function AuthRoleGrantPermissionRequest(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthRoleGrantPermissionRequest.prototype.name = "";
        AuthRoleGrantPermissionRequest.prototype.perm = null;

        AuthRoleGrantPermissionRequest.create = function create(properties) {
            return new AuthRoleGrantPermissionRequest(properties);
        };

        AuthRoleGrantPermissionRequest.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                writer.uint32(10).string(message.name);
            if (message.perm != null && Object.hasOwnProperty.call(message, "perm"))
                $root.authpb.Permission.encode(message.perm, writer.uint32(18).fork(), q + 1).ldelim();
            return writer;
        };

        AuthRoleGrantPermissionRequest.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthRoleGrantPermissionRequest();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.name = reader.string();
                        break;
                    }
                case 2: {
                        message.perm = $root.authpb.Permission.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthRoleGrantPermissionRequest.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthRoleGrantPermissionRequest)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthRoleGrantPermissionRequest: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthRoleGrantPermissionRequest();
            if (object.name != null)
                message.name = String(object.name);
            if (object.perm != null) {
                if (!$util.isObject(object.perm))
                    throw TypeError(".etcdserverpb.AuthRoleGrantPermissionRequest.perm: object expected");
                message.perm = $root.authpb.Permission.fromObject(object.perm, long + 1);
            }
            return message;
        };

        AuthRoleGrantPermissionRequest.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.name = "";
                object.perm = null;
            }
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                object.name = message.name;
            if (message.perm != null && Object.hasOwnProperty.call(message, "perm"))
                object.perm = $root.authpb.Permission.toObject(message.perm, options, q + 1);
            return object;
        };

        AuthRoleGrantPermissionRequest.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthRoleGrantPermissionRequest;
    })();

    etcdserverpb.AuthRoleGrantPermissionResponse = (function() {

        function AuthRoleGrantPermissionResponse(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        AuthRoleGrantPermissionResponse.prototype.header = null;

        AuthRoleGrantPermissionResponse.create = function create(properties) {
            return new AuthRoleGrantPermissionResponse(properties);
        };

        AuthRoleGrantPermissionResponse.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                $root.etcdserverpb.ResponseHeader.encode(message.header, writer.uint32(10).fork(), q + 1).ldelim();
            return writer;
        };

        AuthRoleGrantPermissionResponse.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.etcdserverpb.AuthRoleGrantPermissionResponse();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.header = $root.etcdserverpb.ResponseHeader.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        AuthRoleGrantPermissionResponse.fromObject = function fromObject(object, long) {
            if (object instanceof $root.etcdserverpb.AuthRoleGrantPermissionResponse)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".etcdserverpb.AuthRoleGrantPermissionResponse: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.etcdserverpb.AuthRoleGrantPermissionResponse();
            if (object.header != null) {
                if (!$util.isObject(object.header))
                    throw TypeError(".etcdserverpb.AuthRoleGrantPermissionResponse.header: object expected");
                message.header = $root.etcdserverpb.ResponseHeader.fromObject(object.header, long + 1);
            }
            return message;
        };

        AuthRoleGrantPermissionResponse.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.header = null;
            if (message.header != null && Object.hasOwnProperty.call(message, "header"))
                object.header = $root.etcdserverpb.ResponseHeader.toObject(message.header, options, q + 1);
            return object;
        };

        AuthRoleGrantPermissionResponse.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return AuthRoleGrantPermissionResponse;
    })();

    return etcdserverpb;
})();

$root.mvccpb = (function() {

    var mvccpb = {};

    mvccpb.KeyValue = (function() {

        function KeyValue(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        KeyValue.prototype.key = $util.newBuffer([]);
        KeyValue.prototype.create_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        KeyValue.prototype.mod_revision = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        KeyValue.prototype.version = $util.Long ? $util.Long.fromBits(0,0,false) : 0;
        KeyValue.prototype.value = $util.newBuffer([]);
        KeyValue.prototype.lease = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        KeyValue.create = function create(properties) {
            return new KeyValue(properties);
        };

        KeyValue.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                writer.uint32(10).bytes(message.key);
            if (message.create_revision != null && Object.hasOwnProperty.call(message, "create_revision"))
                writer.uint32(16).int64(message.create_revision);
            if (message.mod_revision != null && Object.hasOwnProperty.call(message, "mod_revision"))
                writer.uint32(24).int64(message.mod_revision);
            if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                writer.uint32(32).int64(message.version);
            if (message.value != null && Object.hasOwnProperty.call(message, "value"))
                writer.uint32(42).bytes(message.value);
            if (message.lease != null && Object.hasOwnProperty.call(message, "lease"))
                writer.uint32(48).int64(message.lease);
            return writer;
        };

        KeyValue.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.mvccpb.KeyValue();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.key = reader.bytes();
                        break;
                    }
                case 2: {
                        message.create_revision = reader.int64();
                        break;
                    }
                case 3: {
                        message.mod_revision = reader.int64();
                        break;
                    }
                case 4: {
                        message.version = reader.int64();
                        break;
                    }
                case 5: {
                        message.value = reader.bytes();
                        break;
                    }
                case 6: {
                        message.lease = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        KeyValue.fromObject = function fromObject(object, long) {
            if (object instanceof $root.mvccpb.KeyValue)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".mvccpb.KeyValue: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.mvccpb.KeyValue();
            if (object.key != null)
                if (typeof object.key === "string")
                    $util.base64.decode(object.key, message.key = $util.newBuffer($util.base64.length(object.key)), 0);
                else if (object.key.length >= 0)
                    message.key = object.key;
            if (object.create_revision != null)
                if ($util.Long)
                    message.create_revision = $util.Long.fromValue(object.create_revision, false);
                else if (typeof object.create_revision === "string")
                    message.create_revision = parseInt(object.create_revision, 10);
                else if (typeof object.create_revision === "number")
                    message.create_revision = object.create_revision;
                else if (typeof object.create_revision === "object")
                    message.create_revision = new $util.LongBits(object.create_revision.low >>> 0, object.create_revision.high >>> 0).toNumber();
            if (object.mod_revision != null)
                if ($util.Long)
                    message.mod_revision = $util.Long.fromValue(object.mod_revision, false);
                else if (typeof object.mod_revision === "string")
                    message.mod_revision = parseInt(object.mod_revision, 10);
                else if (typeof object.mod_revision === "number")
                    message.mod_revision = object.mod_revision;
                else if (typeof object.mod_revision === "object")
                    message.mod_revision = new $util.LongBits(object.mod_revision.low >>> 0, object.mod_revision.high >>> 0).toNumber();
            if (object.version != null)
                if ($util.Long)
                    message.version = $util.Long.fromValue(object.version, false);
                else if (typeof object.version === "string")
                    message.version = parseInt(object.version, 10);
                else if (typeof object.version === "number")
                    message.version = object.version;
                else if (typeof object.version === "object")
                    message.version = new $util.LongBits(object.version.low >>> 0, object.version.high >>> 0).toNumber();
            if (object.value != null)
                if (typeof object.value === "string")
                    $util.base64.decode(object.value, message.value = $util.newBuffer($util.base64.length(object.value)), 0);
                else if (object.value.length >= 0)
                    message.value = object.value;
            if (object.lease != null)
                if ($util.Long)
                    message.lease = $util.Long.fromValue(object.lease, false);
                else if (typeof object.lease === "string")
                    message.lease = parseInt(object.lease, 10);
                else if (typeof object.lease === "number")
                    message.lease = object.lease;
                else if (typeof object.lease === "object")
                    message.lease = new $util.LongBits(object.lease.low >>> 0, object.lease.high >>> 0).toNumber();
            return message;
        };

        KeyValue.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                if (options.bytes === String)
                    object.key = "";
                else {
                    object.key = [];
                    if (options.bytes !== Array)
                        object.key = $util.newBuffer(object.key);
                }
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.create_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.create_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.mod_revision = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.mod_revision = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.version = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.version = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                if (options.bytes === String)
                    object.value = "";
                else {
                    object.value = [];
                    if (options.bytes !== Array)
                        object.value = $util.newBuffer(object.value);
                }
                if ($util.Long) {
                    var long = new $util.Long(0, 0, false);
                    object.lease = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.lease = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                object.key = options.bytes === String ? $util.base64.encode(message.key, 0, message.key.length) : options.bytes === Array ? Array.prototype.slice.call(message.key) : message.key;
            if (message.create_revision != null && Object.hasOwnProperty.call(message, "create_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.create_revision = typeof message.create_revision === "number" ? BigInt(message.create_revision) : $util.Long.fromBits(message.create_revision.low >>> 0, message.create_revision.high >>> 0, false).toBigInt();
                else if (typeof message.create_revision === "number")
                    object.create_revision = options.longs === String ? String(message.create_revision) : message.create_revision;
                else
                    object.create_revision = options.longs === String ? $util.Long.prototype.toString.call(message.create_revision) : options.longs === Number ? new $util.LongBits(message.create_revision.low >>> 0, message.create_revision.high >>> 0).toNumber() : message.create_revision;
            if (message.mod_revision != null && Object.hasOwnProperty.call(message, "mod_revision"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.mod_revision = typeof message.mod_revision === "number" ? BigInt(message.mod_revision) : $util.Long.fromBits(message.mod_revision.low >>> 0, message.mod_revision.high >>> 0, false).toBigInt();
                else if (typeof message.mod_revision === "number")
                    object.mod_revision = options.longs === String ? String(message.mod_revision) : message.mod_revision;
                else
                    object.mod_revision = options.longs === String ? $util.Long.prototype.toString.call(message.mod_revision) : options.longs === Number ? new $util.LongBits(message.mod_revision.low >>> 0, message.mod_revision.high >>> 0).toNumber() : message.mod_revision;
            if (message.version != null && Object.hasOwnProperty.call(message, "version"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.version = typeof message.version === "number" ? BigInt(message.version) : $util.Long.fromBits(message.version.low >>> 0, message.version.high >>> 0, false).toBigInt();
                else if (typeof message.version === "number")
                    object.version = options.longs === String ? String(message.version) : message.version;
                else
                    object.version = options.longs === String ? $util.Long.prototype.toString.call(message.version) : options.longs === Number ? new $util.LongBits(message.version.low >>> 0, message.version.high >>> 0).toNumber() : message.version;
            if (message.value != null && Object.hasOwnProperty.call(message, "value"))
                object.value = options.bytes === String ? $util.base64.encode(message.value, 0, message.value.length) : options.bytes === Array ? Array.prototype.slice.call(message.value) : message.value;
            if (message.lease != null && Object.hasOwnProperty.call(message, "lease"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.lease = typeof message.lease === "number" ? BigInt(message.lease) : $util.Long.fromBits(message.lease.low >>> 0, message.lease.high >>> 0, false).toBigInt();
                else if (typeof message.lease === "number")
                    object.lease = options.longs === String ? String(message.lease) : message.lease;
                else
                    object.lease = options.longs === String ? $util.Long.prototype.toString.call(message.lease) : options.longs === Number ? new $util.LongBits(message.lease.low >>> 0, message.lease.high >>> 0).toNumber() : message.lease;
            return object;
        };

        KeyValue.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return KeyValue;
    })();

    mvccpb.Event = (function() {

        function Event(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Event.prototype.type = 0;
        Event.prototype.kv = null;
        Event.prototype.prev_kv = null;

        Event.create = function create(properties) {
            return new Event(properties);
        };

        Event.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.type != null && Object.hasOwnProperty.call(message, "type"))
                writer.uint32(8).int32(message.type);
            if (message.kv != null && Object.hasOwnProperty.call(message, "kv"))
                $root.mvccpb.KeyValue.encode(message.kv, writer.uint32(18).fork(), q + 1).ldelim();
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                $root.mvccpb.KeyValue.encode(message.prev_kv, writer.uint32(26).fork(), q + 1).ldelim();
            return writer;
        };

        Event.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.mvccpb.Event();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.type = reader.int32();
                        break;
                    }
                case 2: {
                        message.kv = $root.mvccpb.KeyValue.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 3: {
                        message.prev_kv = $root.mvccpb.KeyValue.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Event.fromObject = function fromObject(object, long) {
            if (object instanceof $root.mvccpb.Event)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".mvccpb.Event: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.mvccpb.Event();
            switch (object.type) {
            default:
                if (typeof object.type === "number") {
                    message.type = object.type;
                    break;
                }
                break;
            case "PUT":
            case 0:
                message.type = 0;
                break;
            case "DELETE":
            case 1:
                message.type = 1;
                break;
            }
            if (object.kv != null) {
                if (!$util.isObject(object.kv))
                    throw TypeError(".mvccpb.Event.kv: object expected");
                message.kv = $root.mvccpb.KeyValue.fromObject(object.kv, long + 1);
            }
            if (object.prev_kv != null) {
                if (!$util.isObject(object.prev_kv))
                    throw TypeError(".mvccpb.Event.prev_kv: object expected");
                message.prev_kv = $root.mvccpb.KeyValue.fromObject(object.prev_kv, long + 1);
            }
            return message;
        };

        Event.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.type = options.enums === String ? "PUT" : 0;
                object.kv = null;
                object.prev_kv = null;
            }
            if (message.type != null && Object.hasOwnProperty.call(message, "type"))
                object.type = options.enums === String ? $root.mvccpb.Event.EventType[message.type] === undefined ? message.type : $root.mvccpb.Event.EventType[message.type] : message.type;
            if (message.kv != null && Object.hasOwnProperty.call(message, "kv"))
                object.kv = $root.mvccpb.KeyValue.toObject(message.kv, options, q + 1);
            if (message.prev_kv != null && Object.hasOwnProperty.call(message, "prev_kv"))
                object.prev_kv = $root.mvccpb.KeyValue.toObject(message.prev_kv, options, q + 1);
            return object;
        };

        Event.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        Event.EventType = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "PUT"] = 0;
            values[valuesById[1] = "DELETE"] = 1;
            return values;
        })();

        return Event;
    })();

    return mvccpb;
})();

$root.authpb = (function() {

    var authpb = {};

    authpb.UserAddOptions = (function() {

        function UserAddOptions(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        UserAddOptions.prototype.no_password = false;

        UserAddOptions.create = function create(properties) {
            return new UserAddOptions(properties);
        };

        UserAddOptions.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.no_password != null && Object.hasOwnProperty.call(message, "no_password"))
                writer.uint32(8).bool(message.no_password);
            return writer;
        };

        UserAddOptions.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.authpb.UserAddOptions();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.no_password = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        UserAddOptions.fromObject = function fromObject(object, long) {
            if (object instanceof $root.authpb.UserAddOptions)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".authpb.UserAddOptions: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.authpb.UserAddOptions();
            if (object.no_password != null)
                message.no_password = Boolean(object.no_password);
            return message;
        };

        UserAddOptions.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults)
                object.no_password = false;
            if (message.no_password != null && Object.hasOwnProperty.call(message, "no_password"))
                object.no_password = message.no_password;
            return object;
        };

        UserAddOptions.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        return UserAddOptions;
    })();

    authpb.Permission = (function() {

        function Permission(properties) {
            if (properties)
                for (var keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        Permission.prototype.permType = 0;
        Permission.prototype.key = $util.newBuffer([]);
        Permission.prototype.range_end = $util.newBuffer([]);

        Permission.create = function create(properties) {
            return new Permission(properties);
        };

        Permission.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.permType != null && Object.hasOwnProperty.call(message, "permType"))
                writer.uint32(8).int32(message.permType);
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                writer.uint32(18).bytes(message.key);
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                writer.uint32(26).bytes(message.range_end);
            return writer;
        };

        Permission.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.authpb.Permission();
            while (reader.pos < end) {
                var tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.permType = reader.int32();
                        break;
                    }
                case 2: {
                        message.key = reader.bytes();
                        break;
                    }
                case 3: {
                        message.range_end = reader.bytes();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        Permission.fromObject = function fromObject(object, long) {
            if (object instanceof $root.authpb.Permission)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".authpb.Permission: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            var message = new $root.authpb.Permission();
            switch (object.permType) {
            default:
                if (typeof object.permType === "number") {
                    message.permType = object.permType;
                    break;
                }
                break;
            case "READ":
            case 0:
                message.permType = 0;
                break;
            case "WRITE":
            case 1:
                message.permType = 1;
                break;
            case "READWRITE":
            case 2:
                message.permType = 2;
                break;
            }
            if (object.key != null)
                if (typeof object.key === "string")
                    $util.base64.decode(object.key, message.key = $util.newBuffer($util.base64.length(object.key)), 0);
                else if (object.key.length >= 0)
                    message.key = object.key;
            if (object.range_end != null)
                if (typeof object.range_end === "string")
                    $util.base64.decode(object.range_end, message.range_end = $util.newBuffer($util.base64.length(object.range_end)), 0);
                else if (object.range_end.length >= 0)
                    message.range_end = object.range_end;
            return message;
        };

        Permission.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            var object = {};
            if (options.defaults) {
                object.permType = options.enums === String ? "READ" : 0;
                if (options.bytes === String)
                    object.key = "";
                else {
                    object.key = [];
                    if (options.bytes !== Array)
                        object.key = $util.newBuffer(object.key);
                }
                if (options.bytes === String)
                    object.range_end = "";
                else {
                    object.range_end = [];
                    if (options.bytes !== Array)
                        object.range_end = $util.newBuffer(object.range_end);
                }
            }
            if (message.permType != null && Object.hasOwnProperty.call(message, "permType"))
                object.permType = options.enums === String ? $root.authpb.Permission.Type[message.permType] === undefined ? message.permType : $root.authpb.Permission.Type[message.permType] : message.permType;
            if (message.key != null && Object.hasOwnProperty.call(message, "key"))
                object.key = options.bytes === String ? $util.base64.encode(message.key, 0, message.key.length) : options.bytes === Array ? Array.prototype.slice.call(message.key) : message.key;
            if (message.range_end != null && Object.hasOwnProperty.call(message, "range_end"))
                object.range_end = options.bytes === String ? $util.base64.encode(message.range_end, 0, message.range_end.length) : options.bytes === Array ? Array.prototype.slice.call(message.range_end) : message.range_end;
            return object;
        };

        Permission.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        Permission.Type = (function() {
            var valuesById = {}, values = Object.create(valuesById);
            values[valuesById[0] = "READ"] = 0;
            values[valuesById[1] = "WRITE"] = 1;
            values[valuesById[2] = "READWRITE"] = 2;
            return values;
        })();

        return Permission;
    })();

    return authpb;
})();

module.exports = $root;
