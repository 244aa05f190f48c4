import { Type } from "typebox";

export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

export const JobKeyParams = Type.Object({
  project: Type.Integer({ minimum: 1 }),
  spider: Type.Integer({ minimum: 1 }),
  number: Type.Integer({ minimum: 1 }),
});

export const Name = Type.String({ minLength: 1, maxLength: 100 });

export const ProjectParams = Type.Object({ project: Type.String({ minLength: 1, maxLength: 100 }) });

export const Limit = (max: number, dflt: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: dflt }));

export const Seq = Type.Optional(Type.Integer({ minimum: 0, default: 0 }));

export const errorResponses = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };
