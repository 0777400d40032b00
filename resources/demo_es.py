"""The Spanish version of the demo's education articles and directory entries, keyed by the
English article's slug and the entry's English name. Written to docs/glossary-es.md: usted,
short sentences, everyday words, person-first (the reading-level test measures them with
Fernández-Huerta)."""

ARTICLES_ES: dict[str, dict[str, str]] = {
    "supporting-without-enabling": {
        "title_es": "Apoyar sin facilitar el consumo",
        "summary_es": "Cómo estar cerca y ayudar, y dejar que su ser querido lleve su propia "
        "recuperación.",
        "body_es": """Cuando quiere a alguien en recuperación, es normal querer arreglarle las \
cosas. Apoyar y facilitar el consumo se parecen desde afuera. La diferencia es esta: ¿su ayuda \
acerca a la persona a sus metas, o la protege de lo que trae el consumo?

# Cómo se ve el apoyo

- Escuchar sin correr a dar consejos ni juzgar.
- Dar ayuda práctica que sirva a la recuperación: llevarle a un grupo, ir con la persona a una \
cita, una noche tranquila juntos.
- Decir claro lo que puede hacer y lo que no, y cumplirlo con cariño.
- Notar el esfuerzo, no solo los resultados.

# Lo que suele facilitar el consumo

- Cubrir faltas al trabajo o promesas rotas.
- Dar dinero cuando no sabe en qué se va a gastar.
- Hacerse cargo de lo que la persona sí puede hacer.
- Evitar toda charla difícil para no pelear.

# Un límite también es cuidar

Un límite habla de lo que **usted** va a hacer. No es controlar a la otra persona: «No le voy \
a prestar dinero ahora. Con gusto le ayudo a buscar trabajo». Dígalo con calma, en un momento \
tranquilo. Es posible que tenga que repetirlo.

A veces se va a equivocar. Es normal. Si no sabe si algo ayuda, pregúntele a su ser querido qué \
le serviría. También puede hablarlo con el equipo de atención o con un grupo de apoyo para \
familias. No tiene que resolverlo sin ayuda.""",
    },
    "talking-about-stigma": {
        "title_es": "Hablemos del estigma",
        "summary_es": "Las palabras cambian cómo se trata a las personas. Pequeños cambios al "
        "hablar abren camino a la recuperación.",
        "body_es": """El estigma es la vergüenza y la culpa que todavía rodean al consumo de \
sustancias. Hace que la gente no pida ayuda. Hace que no le cuente todo a su médico. Y hace \
que no crea que puede cambiar. La buena noticia: las palabras de todos los días son un buen \
lugar para empezar a cambiarlo.

# Primero, la persona

- Diga «una persona con un trastorno por consumo de sustancias». No diga «adicto» ni \
«drogadicto».
- Diga «en recuperación», no «limpio». Diga «volvió a consumir», no «sucio» ni «recayó otra vez».
- Diga «medicamento para tratar la adicción», no «cambiar una droga por otra». El medicamento \
es tratamiento, y salva vidas.

# Si alguien dice algo que duele

No hace falta dar un sermón. Una respuesta corta y amable suele ser lo mejor: «Yo la veo como \
alguien que trabaja duro por su salud». Si usted es la persona en recuperación, usted decide \
cuánto contar de su historia, a quién y cuándo. La privacidad es un derecho, no un secreto.

# Trátese con cariño también

Muchas personas llevan el estigma por dentro, como una vergüenza callada. Notar esa voz, y \
contestarle como le contestaría a una amistad, es parte de sanar. La recuperación es un camino \
de salud. Merece el mismo respeto que cualquier otro.""",
    },
    "naloxone-and-overdose-response": {
        "title_es": "La naloxona y qué hacer ante una sobredosis",
        "summary_es": "La naloxona puede revertir una sobredosis de opioides. Conozca las "
        "señales y los pasos.",
        "body_es": """La naloxona (una marca común es Narcan) es un medicamento que puede \
revertir una sobredosis de opioides. Es segura, aunque no sepa si hay opioides de por medio. \
Tenerla en casa y saber usarla es una forma de cuidar. No quiere decir que espera lo peor.

# Señales de una sobredosis de opioides

- La persona no despierta. No responde a su voz ni a un roce firme en el pecho.
- Respira muy lento, hace ruido (ronca o gorgotea) o no respira.
- Los labios o las puntas de los dedos se ven azules o grises. Las pupilas pueden estar muy \
pequeñas.

# Qué hacer

- **Llame al 911 o al número de emergencias de su zona ya.** Diga que la persona no respira o \
no despierta.
- **Dé la naloxona.** Si es en aerosol nasal: acueste a la persona boca arriba. Ponga la punta \
en un orificio de la nariz y apriete el émbolo con firmeza.
- **Ayude a respirar.** Si tiene entrenamiento, dé respiraciones de rescate. Siga lo que le \
diga la persona del 911.
- **Dé una segunda dosis** si no hay respuesta en 2 o 3 minutos.
- **Quédese con la persona.** La naloxona dura menos que muchos opioides. La sobredosis puede \
volver. Si respira, póngala de lado, en posición de recuperación.

# Dónde conseguir naloxona

En muchos lugares, las farmacias dan naloxona sin receta. Hay programas de la comunidad que la \
regalan. Las leyes cambian según el estado y el país, también las que protegen a quien llama \
para pedir ayuda. Averigüe qué aplica donde vive. Pregunte al equipo de atención o mire la \
página de recursos de la comunidad para hallar un lugar cerca.""",
    },
    "self-care-for-families": {
        "title_es": "Cuidarse también: para las familias",
        "summary_es": "Usted también importa. Cuidarse le ayuda a dar un apoyo más firme.",
        "body_es": """Cuando alguien que quiere está en recuperación, sus propias necesidades \
pueden quedar de últimas. La preocupación, el mal dormir y estar siempre alerta cansan a \
cualquiera. Cuidarse no es egoísta. Es lo que le permite seguir presente.

# Pequeñas rutinas diarias

- Tenga una o dos rutinas solo para usted: una caminata, una llamada con una amistad, un \
pasatiempo.
- Coma a sus horas y cuide su sueño lo más que pueda.
- Escuche a su cuerpo. Los hombros tensos y la mente acelerada le piden una pausa para \
respirar.

# Busque su propio apoyo

- En los grupos de apoyo para familias hay gente que le entiende sin tener que explicar.
- Un consejero o consejera para usted le puede ayudar con el enojo, el duelo, el miedo y la \
esperanza.
- Cuéntele a una persona de confianza cómo está de verdad.

# Suelte lo que no es suyo

Usted no causó el consumo de su ser querido. No lo puede controlar. Y no lo puede curar sin \
ayuda. Lo que **sí** puede manejar es cómo responde, los límites que pone y el cariño que se da \
a sí mismo o a sí misma.

# Cuando es demasiado

Si se siente sin esperanza o sin fuerzas, pida ayuda. En Estados Unidos puede llamar o enviar \
un texto al 988, la Línea de Prevención del Suicidio y Crisis, a cualquier hora. Para español, \
llame al 988 y oprima 2, o envíe AYUDA por texto al 988. Su bienestar importa por sí mismo, no \
solo porque alguien depende de usted.""",
    },
    "what-a-setback-means": {
        "title_es": "Qué significa un tropiezo y qué ayuda",
        "summary_es": "Volver a consumir no es el fin de la recuperación. Es información, y un "
        "momento para pedir apoyo.",
        "body_es": """La recuperación casi nunca es una línea recta. Muchas personas tienen uno \
o más tropiezos en el camino. Volver a consumir no borra los días, las habilidades ni los \
lazos que hizo antes. Como otras condiciones de salud de largo plazo, los trastornos por \
consumo de sustancias pueden tener épocas difíciles. Lo que más importa es lo que pasa después.

# Si usted es la persona en recuperación

- **Pida apoyo pronto.** Cuénteselo a su consejero o a alguien de confianza. Mientras antes, \
mejor.
- **Cuídese.** Después de un tiempo sin consumir, el cuerpo tolera menos. Eso sube el riesgo \
de sobredosis. No consuma a solas y tenga naloxona cerca.
- **Mire lo que pasó antes**, sin culpa: estrés, personas, lugares, sueño, emociones. Puede \
poner lo que aprenda en su plan para afrontar.
- **Vuelva a sus apoyos**: reuniones, rutinas y las personas que le ayudan.

# Si usted es una persona de apoyo

- Mantenga la calma y la puerta abierta. La vergüenza aleja a la gente de la ayuda.
- Diga lo que ve y lo que siente, corto y con cariño: «Me preocupa, y aquí estoy».
- Mantenga sus límites. La compasión y los límites van juntos.
- Anime a hablar con el equipo de atención, en vez de querer manejarlo todo usted.

# La esperanza es real

Cada intento enseña algo. Muchas personas que hoy llevan años en recuperación tuvieron \
tropiezos en el camino. Volver a empezar es parte del camino.""",
    },
    "celebrating-milestones": {
        "title_es": "Cómo celebrar los logros",
        "summary_es": "Celebrar el avance da esperanza. Ideas para hacerlo de una forma que se "
        "sienta bien.",
        "body_es": """Treinta días, seis meses, el primer año: los logros son un momento para \
parar y ver todo lo que la persona ha avanzado. Celebrarlos da confianza. Y recuerda a todos \
que la recuperación pasa día a día.

# Deje que la persona decida

A algunas personas les encanta una fiesta. Otras prefieren una cena tranquila o una tarjeta. \
Pregunte qué le gustaría. Algunos logros traen emociones mezcladas, así que siga lo que la \
persona le muestre.

# Ideas que suelen funcionar

- Una nota escrita a mano sobre cambios que usted ha visto.
- Algo para hacer juntos: una caminata, una película, cocinar su comida favorita.
- Algo que apoye una meta nueva, como una clase, un libro o ropa para hacer ejercicio.
- Celebrar el día en un grupo de recuperación, donde a menudo dan una ficha o un llavero.

# Que sea seguro y sin sustancias

Elija lugares y planes donde el alcohol y otras sustancias no sean el centro. Una celebración \
debe ser un alivio, no una prueba.

# Celebre más que fechas

Avanzar es más que contar días. La primera charla difícil y honesta, una entrevista de \
trabajo, una amistad que se arregla o una semana dura que manejó con nuevas habilidades: todo \
eso merece que se note. Si un tropiezo vuelve a poner la cuenta en cero, lo que creció no \
desaparece. Se puede nombrar y celebrar igual.""",
    },
}

COMMUNITY_RESOURCES_ES: dict[str, dict[str, str]] = {
    "Maple Street Mutual Help Meetings (fictional)": {
        "name_es": "Reuniones de ayuda mutua de Maple Street (ficticio)",
        "hours_es": "Todos los días a las 7:00 p. m.; los sábados también a las 10:00 a. m.",
        "languages_es": "Inglés, español",
        "description_es": "Las dirigen compañeros en recuperación. Son gratis y abiertas a "
        "quien quiera dejar o bajar el consumo. Las personas nuevas son bienvenidas. No hay que "
        "inscribirse.",
    },
    "Harborlight Family Circle (fictional)": {
        "name_es": "Círculo familiar Harborlight (ficticio)",
        "hours_es": "Martes de 6:30 a 8:00 p. m.",
        "languages_es": "Inglés",
        "description_es": "Un grupo cada semana para la familia, la pareja y las amistades de "
        "quien tiene un trastorno por consumo de sustancias. Lo guían voluntarios bien "
        "preparados.",
    },
    "Cedar House Recovery Residences (fictional)": {
        "name_es": "Casas de recuperación Cedar House (ficticio)",
        "hours_es": "Llamadas de ingreso de lunes a viernes, de 9:00 a. m. a 4:00 p. m.",
        "languages_es": "Inglés, portugués",
        "description_es": "Vivienda compartida, sin sustancias y con normas claras. Hay "
        "reuniones de la casa y apoyo entre compañeros. El alquiler depende de sus ingresos.",
    },
    "Northside Community Pantry (fictional)": {
        "name_es": "Despensa comunitaria de Northside (ficticio)",
        "hours_es": "Lunes y jueves de 10:00 a. m. a 2:00 p. m.",
        "languages_es": "Inglés, español, criollo haitiano",
        "description_es": "Comida gratis, y frutas y verduras frescas cuando hay. Traiga una "
        "bolsa. No hace falta identificación.",
    },
    "Second Start Jobs Program (fictional)": {
        "name_es": "Programa de empleo Second Start (ficticio)",
        "hours_es": "De lunes a viernes, de 9:00 a. m. a 5:00 p. m.",
        "languages_es": "Inglés",
        "description_es": "Le ayudan a hacer su hoja de vida y a practicar para una "
        "entrevista. También le ponen en contacto con empresas que apoyan la recuperación.",
    },
    "Riverside Legal Aid Clinic (fictional)": {
        "name_es": "Clínica de ayuda legal Riverside (ficticio)",
        "hours_es": "Sin cita los miércoles, de 1:00 a 5:00 p. m.",
        "languages_es": "Inglés, español, vietnamita",
        "description_es": "Ayuda legal gratis si gana poco dinero. Le ayudan con su casa, "
        "con ayudas del gobierno, con borrar antecedentes y con temas de familia.",
    },
    "Lifeline Naloxone Outreach (fictional)": {
        "name_es": "Naloxona en la calle Lifeline (ficticio)",
        "hours_es": "De martes a sábado, de 12:00 a 6:00 p. m.",
        "languages_es": "Inglés, español",
        "description_es": "Kits de naloxona gratis y una clase de cinco minutos para saber "
        "usarlos. No le hacen preguntas.",
    },
    "Open Door Peer Recovery Center (fictional)": {
        "name_es": "Centro de recuperación entre compañeros Open Door (ficticio)",
        "hours_es": "De lunes a viernes, de 10:00 a. m. a 7:00 p. m.",
        "languages_es": "Inglés, árabe",
        "description_es": "Un lugar al que puede llegar sin cita. Hay guías de recuperación y "
        "reuniones para todos. También hay computadoras y café.",
    },
}
